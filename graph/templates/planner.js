/* careergraph's route planner: a form that asks the server's /api/ (same origin only) and
   draws the answer in place on the graph page. Every piece of text from the data is put in
   the page with textContent or as a vis-network canvas label, never as markup. */
(function () {
  "use strict";

  var G = window.careerGraph;
  var ROUTE = "#e11d48";
  var ROUTE_DARK = "#881337";
  var KIND_DASHES = { progression: false, transition: [8, 5], suggested: [2, 5] };
  var CURRENCY = { USD: "$", EUR: "€", GBP: "£", INR: "₹", JPY: "¥" };
  var form = document.getElementById("plan-form");
  var fromInput = document.getElementById("plan-from");
  var toInput = document.getElementById("plan-to");
  var haveInput = document.getElementById("plan-have");
  var chips = document.getElementById("plan-have-chips");
  var kInput = document.getElementById("plan-k");
  var status = document.getElementById("plan-status");
  var suggest = document.getElementById("plan-suggest");
  var answer = document.getElementById("plan-answer");
  var preparation = document.getElementById("plan-preparation");
  var planState = { have: [] };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function button(text, onClick, label) {
    var b = el("button", text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }

  function money(value, currency) {
    if (value === null || value === undefined) return null;
    var sign = value > 0 ? "+" : value < 0 ? "−" : "±";
    var symbol = CURRENCY[currency || "USD"] || ((currency || "") + " ");
    var v = Math.abs(value);
    return sign + symbol + (v >= 1000 ? Math.round(v / 1000) + "k" : Math.round(v));
  }

  function setBusy(state) { document.body.setAttribute("data-plan", state); }

  // ---------------------------------------------------------------------------------------
  // an ARIA 1.2 combobox over /api/roles or /api/skills
  // ---------------------------------------------------------------------------------------
  var comboCount = 0;
  function Combobox(input, endpoint, onPick) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var items = [];
    var active = -1;
    var asked = 0;
    var timer = null;
    var prefix = "opt" + (++comboCount) + "-";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function mark(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", prefix + index);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function pick(index) {
      var item = items[index];
      close();
      if (item) onPick(item, input);
    }
    function show(found) {
      items = found;
      clear(list);
      found.forEach(function (item, i) {
        var li = el("li", item.label);
        li.id = prefix + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        if (item.match && item.match.toLowerCase() !== item.label.toLowerCase()) {
          li.appendChild(el("span", "matches “" + item.match + "”", "match"));
        }
        // mousedown, not click: the input keeps the focus
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      if (found.length && document.activeElement === input) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      active = -1;
    }
    function ask() {
      var mine = ++asked;
      fetch(endpoint + "?limit=8&q=" + encodeURIComponent(input.value), {
        headers: { Accept: "application/json" }
      }).then(function (r) { return r.ok ? r.json() : []; }).then(function (found) {
        if (mine === asked) show(found);
      }).catch(function () { if (mine === asked) close(); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener("keydown", function (ev) {
      var open = !list.hidden && items.length;
      if (ev.key === "ArrowDown") {
        ev.preventDefault();
        if (!open) { ask(); return; }
        mark(Math.min(items.length - 1, active + 1));
      } else if (ev.key === "ArrowUp") {
        if (open) { ev.preventDefault(); mark(Math.max(0, active - 1)); }
      } else if (ev.key === "Enter") {
        if (open && active >= 0) { ev.preventDefault(); pick(active); }
        else { close(); }
      } else if (ev.key === "Escape") {
        if (open) { ev.preventDefault(); close(); }
      } else if (ev.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    return { close: close, ask: ask };
  }

  function pickRole(item, input) { input.value = item.label; }

  function addSkill(text) {
    text = text.trim();
    if (!text || planState.have.indexOf(text) !== -1) return;
    planState.have.push(text);
    drawChips();
  }
  function drawChips() {
    clear(chips);
    planState.have.forEach(function (skill) {
      var li = el("li");
      li.appendChild(el("span", skill));
      li.appendChild(button("×", function () {
        planState.have = planState.have.filter(function (s) { return s !== skill; });
        drawChips();
        haveInput.focus();
      }, "Remove " + skill));
      chips.appendChild(li);
    });
  }

  new Combobox(fromInput, "/api/roles", pickRole);
  new Combobox(toInput, "/api/roles", pickRole);
  var skillBox = new Combobox(haveInput, "/api/skills", function (item) {
    addSkill(item.label);
    haveInput.value = "";
  });
  haveInput.addEventListener("keydown", function (ev) {
    // Enter on typed text (no option chosen) adds it as written; the server resolves it
    if (ev.key === "Enter" && !ev.defaultPrevented && haveInput.value.trim()) {
      ev.preventDefault();
      addSkill(haveInput.value);
      haveInput.value = "";
      skillBox.close();
    } else if (ev.key === "Backspace" && !haveInput.value && planState.have.length) {
      planState.have.pop();
      drawChips();
    }
  });

  // ---------------------------------------------------------------------------------------
  // drawing the answer on the graph
  // ---------------------------------------------------------------------------------------
  var original = null; // the page's own styles, taken before the first answer is drawn
  var added = { nodes: [], edges: [] };
  var moved = {}; // role -> where it was before an answer moved it

  function remember() {
    if (original) return;
    original = { nodes: {}, edges: {} };
    G.nodes.get().forEach(function (n) {
      original.nodes[n.id] = { id: n.id, color: n.color, font: n.font, borderWidth: n.borderWidth,
        shape: n.shape, opacity: n.opacity === undefined ? 1 : n.opacity };
    });
    G.edges.get().forEach(function (e) {
      original.edges[e.id] = { id: e.id, color: e.color, width: e.width, arrows: e.arrows,
        label: e.label === undefined ? null : e.label, font: e.font || {} };
    });
  }

  function restore() {
    if (!original) return;
    G.edges.remove(added.edges);
    G.nodes.remove(added.nodes);
    added = { nodes: [], edges: [] };
    Object.keys(moved).forEach(function (id) { G.network.moveNode(id, moved[id].x, moved[id].y); });
    moved = {};
    G.nodes.update(Object.keys(original.nodes).map(function (id) { return original.nodes[id]; }));
    G.edges.update(Object.keys(original.edges).map(function (id) { return original.edges[id]; }));
  }

  function stepLabel(step) {
    var skills = step.skills_to_gain || [];
    if (step.skills_unknown) return "skills unknown";
    if (!skills.length) return "no new skills listed";
    var shown = skills.slice(0, 3).map(function (s) {
      return "+ " + (s.length > 32 ? s.slice(0, 31) + "…" : s);
    });
    if (skills.length > 3) shown.push("+ " + (skills.length - 3) + " more");
    return shown.join("\n");
  }

  function roleStyle(endpoint) {
    return {
      color: { background: ROUTE, border: ROUTE_DARK,
        highlight: { background: ROUTE, border: "#0f172a" },
        hover: { background: ROUTE, border: "#0f172a" } },
      borderWidth: endpoint ? 5 : 2, opacity: 1,
      shape: endpoint === "goal" ? "star" : "dot",
      font: { size: endpoint ? 20 : 17, color: "#0f172a", strokeWidth: 4, strokeColor: "#ffffff" }
    };
  }

  // the route roles are laid out to read like a sentence, anchored where the start role
  // already is: the start on the left, the goal on the right, each route on its own lane,
  // steps evenly spaced; roles that were on the map move there and go back afterwards
  function layout(report) {
    var start = report.from.id, goal = report.to.id;
    var origin = G.nodes.get(start) ? G.network.getPositions([start])[start] : { x: 0, y: 0 };
    var longest = Math.max.apply(null, report.routes.map(function (r) { return r.steps.length; }));
    var span = Math.max(2, longest) * 380;
    var pos = {};
    pos[start] = { x: origin.x, y: origin.y };
    pos[goal] = { x: origin.x + span, y: origin.y };
    var lanes = [0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5];
    // a direct route's long edge runs along the middle lane: keep that lane free
    var used = report.routes.some(function (r) { return r.steps.length === 1; }) ? 1 : 0;
    report.routes.forEach(function (route) {
      var roles = route.steps.map(function (s) { return s.to_id; }).slice(0, -1);
      var fresh = roles.filter(function (r) { return !pos[r]; });
      if (!fresh.length) return;
      var lane = lanes[Math.min(used, lanes.length - 1)] * 230;
      used += 1;
      roles.forEach(function (role, i) {
        if (!pos[role]) {
          pos[role] = { x: origin.x + span * (i + 1) / route.steps.length, y: origin.y + lane };
        }
      });
    });
    return pos;
  }

  // roles of the map that sit where the routes are now drawn move just above or below
  // them, so the routes' labels stay legible; they go back with the next answer
  function clearBand(pos, onRoute) {
    var xs = [], ys = [];
    Object.keys(pos).forEach(function (id) { xs.push(pos[id].x); ys.push(pos[id].y); });
    var left = Math.min.apply(null, xs) - 120, right = Math.max.apply(null, xs) + 120;
    var top = Math.min.apply(null, ys) - 110, bottom = Math.max.apply(null, ys) + 110;
    var middle = (top + bottom) / 2;
    var others = G.nodes.getIds().filter(function (id) { return !onRoute[id]; });
    var at = others.length ? G.network.getPositions(others) : {};
    others.forEach(function (id) {
      var p = at[id];
      if (!p || p.x < left || p.x > right || p.y < top || p.y > bottom) return;
      if (!moved[id]) moved[id] = { x: p.x, y: p.y };
      var y = p.y < middle ? top - 40 - (p.y - top) * 0.4 : bottom + 40 + (bottom - p.y) * 0.4;
      G.network.moveNode(id, p.x, y);
    });
  }

  function draw(report) {
    remember();
    restore();
    var pos = layout(report);
    var onRoute = {};
    var labels = {};
    var edgeRoutes = {};
    report.routes.forEach(function (route, index) {
      route.steps.forEach(function (step) {
        onRoute[step.from_id] = true;
        onRoute[step.to_id] = true;
        labels[step.from_id] = step.from;
        labels[step.to_id] = step.to;
        var key = step.from_id + "\u0000" + step.to_id;
        if (!edgeRoutes[key]) edgeRoutes[key] = { step: step, ranks: [] };
        edgeRoutes[key].ranks.push(index + 1);
      });
    });
    Object.keys(pos).forEach(function (id) {
      if (G.nodes.get(id)) {
        moved[id] = G.network.getPositions([id])[id];
        G.network.moveNode(id, pos[id].x, pos[id].y);
      } else {
        G.nodes.add({ id: id, label: labels[id] || id, kind: "role", shape: "dot", size: 16,
          x: pos[id].x, y: pos[id].y, title: labels[id] || id, widthConstraint: { maximum: 180 } });
        added.nodes.push(id);
      }
    });
    clearBand(pos, onRoute);
    var updates = G.nodes.get().map(function (n) {
      if (onRoute[n.id]) {
        var endpoint = n.id === report.from.id ? "start" : n.id === report.to.id ? "goal" : null;
        var style = roleStyle(endpoint);
        style.id = n.id;
        return style;
      }
      return { id: n.id, opacity: 0.25,
        font: { size: 11, color: "#a3b1c6", strokeWidth: 2, strokeColor: "#ffffff" } };
    });
    G.nodes.update(updates);
    var edgeUpdates = G.edges.get().map(function (e) {
      return { id: e.id, color: { color: "#cbd5e1", opacity: 0.5, highlight: "#0f172a",
        hover: "#475569" }, width: 1, label: null };
    });
    G.edges.update(edgeUpdates);
    Object.keys(edgeRoutes).forEach(function (key) {
      var info = edgeRoutes[key], step = info.step;
      var best = Math.min.apply(null, info.ranks);
      var style = {
        color: { color: ROUTE, opacity: best === 1 ? 1 : 0.7, highlight: ROUTE_DARK,
          hover: ROUTE_DARK },
        width: best === 1 ? 6 : 4, label: stepLabel(step),
        font: { size: 15, color: ROUTE_DARK, background: "rgba(255,255,255,0.92)",
          strokeWidth: 0, align: "horizontal" },
        arrows: { to: { enabled: true, scaleFactor: 0.8 } }
      };
      var existing = G.edges.get({ filter: function (e) {
        return e.from === step.from_id && e.to === step.to_id && e.kind !== "requires";
      } });
      if (existing.length) {
        style.id = existing[0].id;
        G.edges.update(style);
      } else {
        style.id = "plan:" + step.from_id + "->" + step.to_id;
        style.from = step.from_id;
        style.to = step.to_id;
        style.kind = step.kind;
        style.dashes = KIND_DASHES[step.kind] || false;
        style.smooth = { enabled: true, type: "curvedCW", roundness: 0.12 };
        G.edges.add(style);
        added.edges.push(style.id);
      }
    });
    var ids = Object.keys(onRoute);
    G.network.fit({ nodes: ids, animation: false });
    G.network.moveTo({ scale: Math.min(1.4, G.network.getScale() * 0.85), animation: false });
    G.plan = { from: report.from.id, to: report.to.id, roles: ids,
      edges: Object.keys(edgeRoutes).length };
  }

  function selectRoute(route) {
    var nodes = {}, edges = [];
    route.steps.forEach(function (step) {
      nodes[step.from_id] = true;
      nodes[step.to_id] = true;
      G.edges.get({ filter: function (e) {
        return e.from === step.from_id && e.to === step.to_id && e.kind !== "requires";
      } }).forEach(function (e) { edges.push(e.id); });
    });
    G.network.setSelection({ nodes: Object.keys(nodes), edges: edges },
      { unselectAll: true, highlightEdges: false });
  }

  // ---------------------------------------------------------------------------------------
  // the answer panel
  // ---------------------------------------------------------------------------------------
  function routesPanel(report) {
    var ol = document.getElementById("plan-routes");
    clear(ol);
    if (!report) {
      ol.appendChild(el("li", "No route joins these roles; the gap below still compares them.",
        "hint"));
      return;
    }
    var items = [];
    report.routes.forEach(function (route, index) {
      var li = el("li", null, index === 0 ? "" : "dim");
      var gain = route.skills_to_gain.length;
      var head = "Route " + (index + 1) + " · " + route.steps.length +
        (route.steps.length === 1 ? " step" : " steps");
      if (gain) head += " · " + gain + (gain === 1 ? " skill" : " skills") + " to gain";
      var pay = money(route.salary_change, route.currency);
      if (pay) head += " · pay " + pay;
      var ready = yearsText(route.years_to_ready);
      if (ready) head += " · " + ready;
      li.appendChild(el("div", head, "route-head"));
      if (route.preparation && route.preparation.basis) {
        li.appendChild(el("div", "Preparation: " + route.preparation.basis, "hint"));
      }
      var steps = el("ol", null, "route-steps");
      route.steps.forEach(function (step) {
        var s = el("li");
        s.appendChild(el("span", step.from + " → " + step.to));
        s.appendChild(el("span", step.kind, "kind-tag"));
        var stepPay = money(step.salary_change, step.currency);
        if (stepPay) s.appendChild(el("span", "pay " + stepPay, "kind-tag"));
        s.appendChild(el("div", step.skills_unknown
          ? "Skills to gain: unknown (" + (step.skills_note || "a role has no skill profile") + ")"
          : step.skills_to_gain.length ? "Gain: " + step.skills_to_gain.join(", ")
            : "No new skills listed", "gain"));
        steps.appendChild(s);
      });
      li.appendChild(steps);
      li.appendChild(button("Show on the map", function () {
        items.forEach(function (other) { other.classList.remove("active"); });
        li.classList.add("active");
        selectRoute(route);
      }, "Show route " + (index + 1) + " on the map"));
      items.push(li);
      ol.appendChild(li);
    });
  }

  function field(dl, name, values, empty) {
    dl.appendChild(el("dt", name));
    var dd = el("dd", values.length ? values.join(", ") : empty);
    dl.appendChild(dd);
  }

  function gapPanel(gap, error) {
    var box = document.getElementById("plan-gap");
    clear(box);
    if (!gap) {
      box.appendChild(el("p", error || "No gap to show.", "hint"));
      return;
    }
    box.appendChild(el("p", gap.from.label + " → " + gap.to.label +
      (gap.move ? " (a curated " + gap.move + ")" : " (no curated move)")));
    var dl = el("dl");
    field(dl, "Skills to gain", gap.skills_to_gain, "none listed");
    field(dl, "Skills kept", gap.skills_kept, "none listed");
    if (gap.missing_per_target_guide.length) {
      field(dl, "Often missing, says the goal's guide", gap.missing_per_target_guide, "");
    }
    if (gap.missing_per_source_guide.length) {
      field(dl, "Often missing, says the start's guide", gap.missing_per_source_guide, "");
    }
    if (gap.preparation && gap.preparation.basis) {
      var readyIn = yearsText(gap.years_to_ready);
      field(dl, "Preparation", [gap.preparation.basis + (readyIn ? " (" + readyIn + ")" : "")],
        "");
    }
    if (gap.skills_note) field(dl, "Note", [gap.skills_note], "");
    var pay = money(gap.salary_change, gap.currency);
    if (pay) field(dl, "Pay change (band midpoints)", [pay], "");
    box.appendChild(dl);
  }

  function nextPanel(next) {
    var ol = document.getElementById("plan-next");
    var title = document.getElementById("plan-next-title");
    clear(ol);
    if (!next) return;
    title.textContent = "Next moves from " + next.role.label;
    next.options.forEach(function (option) {
      var li = el("li");
      li.appendChild(el("span", option.role));
      li.appendChild(el("span", option.kind, "kind-tag"));
      var line = Math.round(100 * option.overlap) + "% of its skills held";
      var pay = money(option.salary_change, option.currency);
      if (pay) line += " · pay " + pay;
      var optionReady = yearsText(option.years_to_ready);
      if (optionReady) line += " · " + optionReady;
      li.appendChild(el("div", line, "hint"));
      if (option.why) li.appendChild(el("div", "Why: " + option.why, "hint"));
      li.appendChild(button("Plan a route here", function () {
        toInput.value = option.role;
        plan();
      }, "Plan a route to " + option.role));
      ol.appendChild(li);
    });
  }

  function offerSuggestions(body, input) {
    clear(suggest);
    var names = (body && (body.suggestions || body.nearest)) || [];
    if (!names.length || !input) { suggest.hidden = true; return; }
    suggest.appendChild(el("span", "Did you mean: ", "hint"));
    names.slice(0, 3).forEach(function (name) {
      suggest.appendChild(button(name, function () {
        input.value = name;
        plan();
      }));
    });
    suggest.hidden = false;
  }

  // ---------------------------------------------------------------------------------------
  // asking the API; the URL holds the question so an answer can be shared or bookmarked
  // ---------------------------------------------------------------------------------------
  function extraParams() {
    var pairs = [];
    Array.prototype.forEach.call(preparation.querySelectorAll("[data-param]"), function (f) {
      if (f.value !== "") pairs.push([f.getAttribute("data-param"), f.value]);
    });
    return pairs;
  }

  // what gap takes of the person's standing (it has no --max-years)
  function standing(pairs) {
    return pairs.filter(function (p) { return p[0] !== "max_years"; });
  }

  function yearsText(span) {
    if (!span) return "";
    var lo = Math.round(span[0] * 10) / 10, hi = Math.round(span[1] * 10) / 10;
    if (hi === 0) return "ready now";
    return "ready in " + (lo === hi ? lo : lo + "–" + hi) + (hi === 1 ? " yr" : " yrs");
  }

  function query(pairs) {
    return pairs.map(function (p) {
      return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
    }).join("&");
  }

  function get(path, pairs) {
    return fetch(path + "?" + query(pairs), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
      });
  }

  var asked = 0;
  function plan() {
    var source = fromInput.value.trim(), target = toInput.value.trim();
    if (haveInput.value.trim()) { addSkill(haveInput.value); haveInput.value = ""; }
    if (!source || !target) {
      status.textContent = "Name the role you are in and the role you want.";
      status.className = "plan-status error";
      (source ? toInput : fromInput).focus();
      return;
    }
    var k = parseInt(kInput.value, 10);
    var maxK = parseInt(kInput.getAttribute("max"), 10);
    if (!(k >= 1 && k <= maxK)) { k = 3; kInput.value = "3"; }
    var have = planState.have.map(function (s) { return ["have", s]; });
    var extra = extraParams();
    var mine = ++asked;
    setBusy("busy");
    status.className = "plan-status";
    status.textContent = "Finding routes…";
    suggest.hidden = true;
    var routesQ = [["from", source], ["to", target], ["k", String(k)]].concat(have, extra);
    Promise.all([
      get("/api/routes", routesQ),
      get("/api/gap", [["from", source], ["to", target]].concat(have, standing(extra))),
      get("/api/next", [["role", source], ["top", "8"]].concat(have, extra))
    ]).then(function (answers) {
      if (mine !== asked) return;
      var routes = answers[0], gap = answers[1], next = answers[2];
      if (!routes.ok && routes.status !== 404 || (routes.status === 404 && !routes.body.nearest)) {
        // an unknown role or skill, or a bad parameter: say so, offer the closest names
        status.textContent = routes.body.error || "The server could not answer.";
        status.className = "plan-status error";
        var wrong = routes.body.name === undefined ? null
          : routes.body.name.trim() === source ? fromInput : toInput;
        offerSuggestions(routes.body, wrong);
        setBusy("error");
        return;
      }
      history.replaceState(null, "", "/?" + routesQ.map(function (p) {
        return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
      }).join("&"));
      answer.hidden = false;
      if (routes.ok) {
        draw(routes.body);
        routesPanel(routes.body);
        var n = routes.body.routes.length;
        status.textContent = n + (n === 1 ? " route" : " routes") + " from " +
          routes.body.from.label + " to " + routes.body.to.label + ", drawn on the map.";
      } else {
        restore();
        routesPanel(null);
        status.textContent = routes.body.error;
        offerSuggestions(routes.body, toInput);
      }
      gapPanel(gap.ok ? gap.body : null, gap.ok ? null : gap.body.error);
      nextPanel(next.ok ? next.body : null);
      setBusy("ready");
    }).catch(function () {
      if (mine !== asked) return;
      status.textContent = "The server did not answer; try again.";
      status.className = "plan-status error";
      setBusy("error");
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    plan();
  });

  function whenReady(fn) {
    if (G.ready) { fn(); return; }
    var timer = setInterval(function () {
      if (G.ready) { clearInterval(timer); fn(); }
    }, 50);
  }

  // a shared or bookmarked answer: fill the form from the URL and ask again
  var params = new URLSearchParams(window.location.search);
  if (params.get("from")) fromInput.value = params.get("from");
  if (params.get("to")) toInput.value = params.get("to");
  if (params.get("k")) kInput.value = params.get("k");
  params.getAll("have").forEach(addSkill);
  Array.prototype.forEach.call(preparation.querySelectorAll("[data-param]"), function (f) {
    var value = params.get(f.getAttribute("data-param"));
    if (value !== null) f.value = value;
  });
  setBusy("idle");
  if (params.get("from") && params.get("to")) {
    // the server drew these routes already: hand their panel over to the planner's
    var serverRoutes = document.getElementById("routes");
    if (serverRoutes) serverRoutes.hidden = true;
    whenReady(plan);
  }
})();
