"""Tests for graph.guides.splitting: run-together lists back into items."""

from __future__ import annotations

import pytest

from graph.guides.gazetteer import Gazetteer, load_gazetteer
from graph.guides.splitting import split_names, split_phrases, split_sectors

BRANDS = [
    "ServiceNow",
    "PagerDuty",
    "HashiCorp",
    "GitLab",
    "GitHub",
    "LinkedIn",
    "JPMorgan Chase",
    "DoorDash",
    "CrowdStrike",
    "MongoDB",
    "YouTube",
    "PayPal",
    "Booking.com",
    "T-Mobile",
    "AT&T",
    "McKinsey",
    "BlackRock",
    "SoFi",
    "HubSpot",
    "DigitalOcean",
    "Amazon (AWS)",
]


def test_gazetteers_are_large_and_clean() -> None:
    employers = load_gazetteer("employers")
    sectors = load_gazetteer("sectors")
    assert len(employers) >= 400
    assert len(sectors) >= 80
    assert all(name == name.strip() and not name.startswith("#") for name in employers.names)
    for name in BRANDS:
        assert name in employers, name


def test_gazetteer_is_cached() -> None:
    assert load_gazetteer("employers") is load_gazetteer("employers")


@pytest.mark.parametrize("name", BRANDS)
def test_brand_names_survive_between_others(name: str) -> None:
    result = split_names(f"Google{name}Cisco")
    assert result.pieces == ["Google", name, "Cisco"]
    assert result.guesses == []


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("IBMCisco", ["IBM", "Cisco"]),
        ("SAPOracle", ["SAP", "Oracle"]),
        ("NVIDIAAMD", ["NVIDIA", "AMD"]),
        ("AT&TVerizon", ["AT&T", "Verizon"]),
        ("Amazon (AWS)GoogleMicrosoft", ["Amazon (AWS)", "Google", "Microsoft"]),
        ("JPMorgan ChaseCapital One", ["JPMorgan Chase", "Capital One"]),
        ("Google CloudSnowflake", ["Google Cloud", "Snowflake"]),
        ("Google, Meta; Apple", ["Google", "Meta", "Apple"]),
        ("Booking.comExpedia", ["Booking.com", "Expedia"]),
    ],
)
def test_split_names_with_gazetteer(text: str, pieces: list[str]) -> None:
    result = split_names(text)
    assert result.pieces == pieces
    assert result.guesses == []


def test_unknown_names_are_guessed_and_reported() -> None:
    result = split_names("GoogleFoobarWidgetcoMeta")
    assert result.pieces == ["Google", "Foobar", "Widgetco", "Meta"]
    assert result.guesses == ["'FoobarWidgetco' -> 'Foobar', 'Widgetco'"]


def test_unknown_camel_case_brand_kept_whole_is_a_guess() -> None:
    result = split_names("GoogleAcmeSoft")
    assert result.pieces == ["Google", "AcmeSoft"]
    assert result.guesses == ["'AcmeSoft' -> 'AcmeSoft'"]


def test_unknown_name_alone_is_not_a_guess() -> None:
    result = split_names("Acme Widgets")
    assert result.pieces == ["Acme Widgets"]
    assert result.guesses == []


def test_custom_gazetteer_longest_match_first() -> None:
    gazetteer = Gazetteer.of(["Foo", "FooBar", "Baz"])
    assert split_names("FooBarBaz", gazetteer).pieces == ["FooBar", "Baz"]
    assert split_names("FooBaz", gazetteer).pieces == ["Foo", "Baz"]


def test_gazetteer_name_must_not_cut_a_word() -> None:
    # "Meta" is known, but "Metaverse Labs" is not "Meta" + "verse Labs"
    assert split_names("Metaverse LabsApple").pieces == ["Metaverse Labs", "Apple"]


def test_split_sectors() -> None:
    text = (
        "Cloud and SaaSE-commerce and marketplacesFintech and bankingMedia/streaming"
        "Government/defense contractorsSpace tourism"
    )
    assert split_sectors(text).pieces == [
        "Cloud and SaaS",
        "E-commerce and marketplaces",
        "Fintech and banking",
        "Media/streaming",
        "Government/defense contractors",
        "Space tourism",
    ]


def test_split_sectors_guess_after_capitals() -> None:
    result = split_sectors("Quantum widgetsAIQuantum gadgets")
    assert result.pieces == ["Quantum widgets", "AI", "Quantum gadgets"]
    assert result.guesses == [
        "'Quantum widgetsAIQuantum gadgets' -> 'Quantum widgets', 'AI', 'Quantum gadgets'"
    ]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        (
            "Depth in cloud basics (networking)Hands-on CI/CD and DevOps practiceUsing metrics",
            [
                "Depth in cloud basics (networking)",
                "Hands-on CI/CD and DevOps practice",
                "Using metrics",
            ],
        ),
        ("Knowledge of SREComfort with on-call", ["Knowledge of SRE", "Comfort with on-call"]),
        (
            "iOS and macOS release trainsFinOps and GitOps habits",
            ["iOS and macOS release trains", "FinOps and GitOps habits"],
        ),
        (
            "PagerDuty and SaaS tooling depthOKRs for platform teams",
            ["PagerDuty and SaaS tooling depth", "OKRs for platform teams"],
        ),
        ("Building KubeFlow pipelines", ["Building KubeFlow pipelines"]),
        ("Coaching peersAI infrastructure basics", ["Coaching peers", "AI infrastructure basics"]),
        ("Work with eBPF probes", ["Work with eBPF probes"]),
    ],
)
def test_split_phrases(text: str, pieces: list[str]) -> None:
    assert split_phrases(text).pieces == pieces


def test_split_phrases_never_inside_brackets() -> None:
    text = "Automation concepts (CI/CD, infrastructure-as-code, ArgoCD, FluxCD)Using metrics"
    assert split_phrases(text).pieces == [
        "Automation concepts (CI/CD, infrastructure-as-code, ArgoCD, FluxCD)",
        "Using metrics",
    ]


@pytest.mark.parametrize("text", ["", "   ", ")(", "((((", "A", "aB", "&&&", "ÉcoleÜber"])
def test_odd_input_does_not_crash(text: str) -> None:
    for split in (split_names, split_sectors, split_phrases):
        result = split(text)
        assert all(piece.strip() == piece and piece for piece in result.pieces)
