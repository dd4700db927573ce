"""The graph as Neo4j CSV files for ``neo4j-admin database import``."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import networkx as nx

__all__ = ["CSV_FILES", "NEO4J_COMMAND"]


#: the file of a CSV export that credits the data sources
CREDITS_FILE = "CREDITS.txt"


#: the files of a CSV export, nodes first (``neo4j-admin`` wants --nodes before --relationships)
CSV_FILES = {
    "nodes": ("roles.csv", "skills.csv", "sectors.csv"),
    "relationships": ("moves.csv", "requirements.csv", "sectors_of_roles.csv"),
}


#: the file of a CSV export that holds the neo4j-admin command to load it
NEO4J_COMMAND = "neo4j-admin-import.txt"


def _csv_rows(G: nx.DiGraph, tmp: Path, credits: list[str]) -> list[str]:
    """Write the neo4j-admin import files into ``tmp`` and return their names."""

    def writer(name: str, header: list[str]) -> tuple[Any, Any]:
        handle = (tmp / name).open("w", encoding="utf-8", newline="")
        out = csv.writer(handle)
        out.writerow(header)
        return handle, out

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    files = {
        "roles.csv": [
            "id:ID",
            "label",
            "code",
            "experience_rank:int",
            "has_guide:boolean",
            "salary_midpoint:float",
            "currency",
            ":LABEL",
        ],
        "skills.csv": ["id:ID", "label", "skill_type", ":LABEL"],
        "sectors.csv": ["id:ID", "label", ":LABEL"],
        "moves.csv": [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "move_kind",
            "weight:float",
            "skills_to_gain:int",
            "tier",
            "index:int",
        ],
        "requirements.csv": [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "weight:float",
            "importance:float",
            "level:float",
        ],
        "sectors_of_roles.csv": [":START_ID", ":END_ID", ":TYPE"],
    }
    opened = {name: writer(name, header) for name, header in files.items()}
    try:
        for node, d in G.nodes(data=True):
            if d["kind"] == "role":
                opened["roles.csv"][1].writerow(
                    [
                        node,
                        d["label"],
                        d.get("code", ""),
                        cell(d.get("experience_rank")),
                        cell(d["has_guide"]),
                        cell(d.get("salary_midpoint")),
                        d.get("currency", ""),
                        "Role",
                    ]
                )
            elif d["kind"] == "skill":
                labels = (
                    "Skill" if d["skill_type"] == "skill" else f"Skill;{d['skill_type'].title()}"
                )
                opened["skills.csv"][1].writerow([node, d["label"], d["skill_type"], labels])
            else:
                opened["sectors.csv"][1].writerow([node, d["label"], "Sector"])
        for u, v, e in G.edges(data=True):
            if e["kind"] == "move":
                rel = "CAN_LEAD_TO" if e["move_kind"] == "progression" else "CAN_TRANSITION_TO"
                opened["moves.csv"][1].writerow(
                    [
                        u,
                        v,
                        rel,
                        e["move_kind"],
                        cell(e["weight"]),
                        cell(e["skills_to_gain"]),
                        cell(e.get("tier")),
                        cell(e.get("index")),
                    ]
                )
            elif e["kind"] == "requires":
                opened["requirements.csv"][1].writerow(
                    [
                        u,
                        v,
                        "REQUIRES",
                        cell(e["weight"]),
                        cell(e.get("importance")),
                        cell(e.get("level")),
                    ]
                )
            else:
                opened["sectors_of_roles.csv"][1].writerow([u, v, "IN_SECTOR"])
    finally:
        for handle, _ in opened.values():
            handle.close()
    command = " ".join(
        ["neo4j-admin database import full"]
        + [f"--nodes={name}" for name in CSV_FILES["nodes"]]
        + [f"--relationships={name}" for name in CSV_FILES["relationships"]]
        + ["neo4j"]
    )
    (tmp / NEO4J_COMMAND).write_text(
        "# From this folder, with Neo4j stopped (the database 'neo4j' is replaced):\n"
        + command
        + "\n",
        encoding="utf-8",
    )
    if credits:
        (tmp / CREDITS_FILE).write_text("\n\n".join(credits) + "\n", encoding="utf-8")
        return [*files, NEO4J_COMMAND, CREDITS_FILE]
    return [*files, NEO4J_COMMAND]
