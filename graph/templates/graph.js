/* careergraph's graph page. Every piece of text from the data is put in the
   page with textContent or as a vis-network canvas label, never as markup. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var meta = data.meta;
  var NODE = meta.style.nodes;
  var EDGE = meta.style.edges;
  var ROUTE = "#e11d48";
  var ROUTE_DARK = "#881337";
  var MOVES = { progression: true, transition: true, suggested: true };
  var pathMode = meta.mode === "path";

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function list(items, more) {
    var ul = el("ul");
    items.forEach(function (item) { ul.appendChild(el("li", item)); });
    if (more > 0) ul.appendChild(el("li", "and " + more + " more", "hint"));
    return ul;
  }

  function field(dl, name, content) {
    dl.appendChild(el("dt", name));
    var dd = el("dd");
    if (typeof content === "string") dd.textContent = content; else dd.appendChild(content);
    dl.appendChild(dd);
  }

  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  function nodeCard(n) {
    var card = el("div", null, "card");
    card.appendChild(el("h3", n.label));
    var c = n.card || {};
    var dl = el("dl");
    if (n.kind === "role") {
      var sub = c.guide ? "Role with a career guide" : "Role named by a guide or import";
      if (c.code) sub += " · " + c.code;
      if (n.endpoint === "start") sub += " · start of the routes";
      if (n.endpoint === "goal") sub += " · goal of the routes";
      card.appendChild(el("p", sub, "sub"));
      field(dl, "Moves", c.movesIn + " in, " + c.movesOut + " out");
      if (c.salary.length) field(dl, "Salary bands", list(c.salary, 0));
      if (c.skills.length) {
        field(dl, c.skillCount > c.skills.length ? "Top skills (of " + c.skillCount + ")"
          : "Skills", list(c.skills, 0));
      }
      if (c.sectors.length) field(dl, "Sectors", list(c.sectors.slice(0, 6), c.sectors.length - 6));
      if (c.employers.length) {
        field(dl, "Employers", list(c.employers, c.employerCount - c.employers.length));
      }
    } else if (n.kind === "skill") {
      card.appendChild(el("p", c.type === "skill" ? "Skill" : "Skill · " + c.type, "sub"));
      field(dl, "Required by", c.roles + (c.roles === 1 ? " role" : " roles") + " on this page");
    } else if (n.kind === "salary") {
      card.appendChild(el("p", "Salary band", "sub"));
      field(dl, "Role", c.role);
      field(dl, "Band", c.band);
    } else {
      card.appendChild(el("p", NODE[n.kind].name, "sub"));
      field(dl, n.kind === "employer" ? "Hires for" : "Roles in it",
        c.roles + (c.roles === 1 ? " role" : " roles") + " on this page");
    }
    card.appendChild(dl);
    return card;
  }

  function edgeCard(e) {
    var card = el("div", null, "card");
    var from = byId[e.from], to = byId[e.to];
    card.appendChild(el("h3", (from ? from.label : e.from) + " → " + (to ? to.label : e.to)));
    var sub = EDGE[e.kind].name;
    if (e.routes) sub += " · on route " + e.routes.join(", ");
    card.appendChild(el("p", sub, "sub"));
    if (MOVES[e.kind]) {
      var dl = el("dl");
      field(dl, "Skills to gain", e.skills && e.skills.length ? list(e.skills, 0)
        : "none listed");
      if (e.pay) field(dl, "Pay change (band midpoints)", e.pay);
      if (e.prep) field(dl, "Preparation", e.prep);
      card.appendChild(dl);
    }
    return card;
  }

  // route roles sit on a grid while the context settles around them: the start on the left,
  // the goal on the right, each route on its own lane, steps evenly spaced, so a route reads
  // like a sentence
  var place = {};
  if (pathMode) {
    var longest = Math.max.apply(null, data.routes.map(function (r) { return r.steps.length; }));
    var width = Math.max(2, longest) * 400;
    var lanes = [0, -1, 1, -2, 2, -3, 3, -4, 4];
    // a direct route's long edge runs along the middle lane: keep that lane free
    var used = data.routes.some(function (r) { return r.steps.length === 1; }) ? 1 : 0;
    place[meta.start] = { x: 0, y: 0 };
    place[meta.goal] = { x: width, y: 0 };
    data.routes.forEach(function (route) {
      var roles = route.steps.map(function (step) { return step.to; }).slice(0, -1);
      var fresh = roles.filter(function (r) { return place[r] === undefined; });
      if (!fresh.length) return;
      var lane = lanes[Math.min(used, lanes.length - 1)] * 250;
      used += 1;
      roles.forEach(function (role, i) {
        if (place[role] === undefined) {
          place[role] = { x: width * (i + 1) / route.steps.length, y: lane };
        }
      });
    });
  }

  function visNode(n) {
    var s = NODE[n.kind];
    var v = {
      id: n.id, label: n.label, kind: n.kind, title: nodeCard(n), shape: s.shape,
      size: s.size,
      color: { background: s.color, border: s.border,
        highlight: { background: s.color, border: "#0f172a" },
        hover: { background: s.color, border: "#0f172a" } },
      font: { size: n.kind === "role" ? 14 : 11, color: "#0f172a", strokeWidth: 3,
        strokeColor: "#ffffff" },
      borderWidth: 1.5
    };
    if (n.kind === "role") {
      v.value = n.value;
      v.widthConstraint = { maximum: 180 };
    }
    if (n.focus) {
      v.borderWidth = 5;
      v.color = { background: s.color, border: "#f59e0b" };
      v.font = { size: 17, bold: true, color: "#0f172a", strokeWidth: 4, strokeColor: "#fff" };
      v.focus = true;
    }
    if (pathMode) {
      v.route = !!n.route;
      if (n.route) {
        v.color = { background: ROUTE, border: ROUTE_DARK,
          highlight: { background: ROUTE, border: "#0f172a" },
          hover: { background: ROUTE, border: "#0f172a" } };
        v.borderWidth = n.endpoint ? 5 : 2;
        v.font = { size: n.endpoint ? 20 : 17, color: "#0f172a", strokeWidth: 4,
          strokeColor: "#ffffff", face: "system-ui, sans-serif" };
        if (n.endpoint === "goal") v.shape = "star";
        if (place[n.id] !== undefined) {
          v.x = place[n.id].x;
          v.y = place[n.id].y;
          v.fixed = { x: true, y: true };
          v.mass = 4;
        }
      } else if (n.kind === "role") {
        v.opacity = 0.35;
        v.font = { size: 12, color: "#94a3b8", strokeWidth: 2, strokeColor: "#ffffff" };
      }
    }
    if (n.endpoint) v.endpoint = n.endpoint;
    return v;
  }

  function visEdge(e) {
    var s = EDGE[e.kind];
    var move = !!MOVES[e.kind];
    var v = {
      id: e.id, from: e.from, to: e.to, kind: e.kind, title: edgeCard(e),
      color: { color: s.color, highlight: "#0f172a", hover: "#0f172a" },
      width: s.width, dashes: s.dashes,
      arrows: { to: { enabled: s.arrow, scaleFactor: move ? 0.7 : 0.4 } },
      smooth: move ? { enabled: true, type: "curvedCW", roundness: 0.12 } : false
    };
    if (e.routes) {
      var best = Math.min.apply(null, e.routes);
      v.routes = e.routes;
      v.color = { color: ROUTE, opacity: best === 1 ? 1 : 0.7, highlight: ROUTE_DARK,
        hover: ROUTE_DARK };
      v.width = best === 1 ? 6 : 4;
      v.label = e.label;
      v.font = { size: 15, color: ROUTE_DARK, background: "rgba(255,255,255,0.92)",
        strokeWidth: 0, align: "horizontal", face: "system-ui, sans-serif" };
      v.arrows = { to: { enabled: true, scaleFactor: 0.8 } };
    } else if (pathMode) {
      v.color = { color: "#cbd5e1", opacity: 0.5, highlight: "#0f172a", hover: "#475569" };
      v.width = 1;
    }
    return v;
  }

  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var edges = new vis.DataSet(data.edges.map(visEdge));

  // invisible, heavy, pinned nodes where the route steps' labels will be push the faded
  // context away from them while the layout settles; removed once it has
  var spacers = [];
  if (pathMode) {
    data.edges.forEach(function (e, i) {
      var a = place[e.from], b = place[e.to];
      if (!e.routes || !a || !b) return;
      [0.3, 0.5, 0.7].forEach(function (t, j) {
        spacers.push({ id: "spacer-" + i + "-" + j, kind: "spacer", hidden: true, mass: 8,
          size: 40, x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y),
          fixed: { x: true, y: true }, label: " " });
      });
    });
    nodes.add(spacers);
  }
  var big = data.nodes.length > 150;
  var options = {
    autoResize: true,
    nodes: {
      scaling: { min: 10, max: 30, label: { enabled: false } }
    },
    edges: { selectionWidth: 2, hoverWidth: 1 },
    interaction: {
      hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, keyboard: { enabled: true,
        bindToWindow: false }, multiselect: false, navigationButtons: false
    },
    physics: {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: pathMode ? -120 : -70, centralGravity: 0.012,
        springLength: pathMode ? 170 : 130, springConstant: 0.05, damping: 0.5,
        avoidOverlap: 0.6 },
      maxVelocity: 60, minVelocity: 0.8,
      stabilization: { enabled: true, iterations: big ? 300 : 600, updateInterval: 25, fit: true }
    },
    layout: { randomSeed: 7, improvedLayout: data.nodes.length <= 150 }
  };

  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  var api = { network: network, nodes: nodes, edges: edges, data: data, ready: false };
  window.careerGraph = api;
  window.network = network;

  var loading = document.getElementById("loading");
  network.on("stabilizationProgress", function (p) {
    loading.textContent = "Laying out the graph… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  function settle() {
    if (api.ready) return;
    // stop the simulation so the map holds still and the page stays responsive
    network.setOptions({ physics: { enabled: false } });
    if (spacers.length) nodes.remove(spacers.map(function (n) { return n.id; }));
    var unfix = nodes.get({ filter: function (n) { return !!n.fixed; } })
      .map(function (n) { return { id: n.id, fixed: false }; });
    if (unfix.length) nodes.update(unfix);
    var routeIds = data.nodes.filter(function (n) { return n.route; })
      .map(function (n) { return n.id; });
    if (routeIds.length) {
      // frame the routes, legible, with a little of their context; the rest is a pan away
      network.fit({ nodes: routeIds, animation: false });
      network.moveTo({ scale: Math.min(1.4, network.getScale() * 0.82), animation: false });
    } else {
      network.fit({ animation: false });
    }
    api.ready = true;
    document.body.setAttribute("data-ready", "true");
  }
  network.once("stabilizationIterationsDone", settle);
  if (data.nodes.length === 0) settle();

  // details panel: the same card as the tooltip, kept after the pointer leaves
  var details = document.getElementById("details-body");
  function show(card) {
    while (details.firstChild) details.removeChild(details.firstChild);
    details.appendChild(card);
  }
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });
  network.on("hoverNode", function (p) { if (byId[p.node]) show(nodeCard(byId[p.node])); });
  network.on("hoverEdge", function (p) { if (edgeById[p.edge]) show(edgeCard(edgeById[p.edge])); });
  network.on("click", function (p) {
    if (p.nodes.length && byId[p.nodes[0]]) show(nodeCard(byId[p.nodes[0]]));
    else if (p.edges.length && edgeById[p.edges[0]]) show(edgeCard(edgeById[p.edges[0]]));
  });

  // filters: hide a node kind (its edges go with it)
  var boxes = document.querySelectorAll("input[data-kind]");
  function applyFilter(box) {
    var kind = box.getAttribute("data-kind");
    var changes = data.nodes.filter(function (n) { return n.kind === kind; })
      .map(function (n) { return { id: n.id, hidden: !box.checked }; });
    nodes.update(changes);
  }
  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () { applyFilter(box); });
  });

  // search: exact label first, then the first label containing the text (roles first)
  var search = document.getElementById("search");
  var status = document.getElementById("search-status");
  var datalist = document.getElementById("search-list");
  var order = { role: 0, skill: 1, sector: 2, employer: 3, salary: 4 };
  var sorted = data.nodes.slice().sort(function (a, b) {
    return (order[a.kind] - order[b.kind]) || a.label.localeCompare(b.label);
  });
  sorted.forEach(function (n) {
    var option = document.createElement("option");
    option.value = n.label;
    datalist.appendChild(option);
  });
  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) return null;
    var i;
    for (i = 0; i < sorted.length; i++) if (sorted[i].label.toLowerCase() === q) return sorted[i];
    for (i = 0; i < sorted.length; i++) {
      if (sorted[i].label.toLowerCase().indexOf(q) !== -1) return sorted[i];
    }
    return null;
  }
  function go() {
    var n = find(search.value);
    if (!n) {
      status.textContent = search.value.trim() ? "No node matches “" + search.value.trim() + "”."
        : "";
      return;
    }
    status.textContent = "";
    var box = document.querySelector("input[data-kind='" + n.kind + "']");
    if (box && !box.checked) { box.checked = true; applyFilter(box); }
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: 1.2, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    show(nodeCard(n));
    api.selected = n.id;
  }
  api.search = function (text) { search.value = text; go(); return api.selected; };
  document.getElementById("search-go").addEventListener("click", go);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") go(); });
  search.addEventListener("change", go);

  // routes panel
  if (pathMode && data.routes.length) {
    document.getElementById("routes").hidden = false;
    var ol = document.getElementById("route-list");
    var items = [];
    data.routes.forEach(function (route) {
      var li = el("li", null, "route" + (route.rank === 1 ? "" : " dim"));
      var gain = route.skills.length;
      var head = "Route " + route.rank + " · " + route.steps.length +
        (route.steps.length === 1 ? " step" : " steps");
      if (gain) head += " · " + gain + (gain === 1 ? " skill" : " skills") + " to gain";
      if (route.salaryChange) head += " · pay " + route.salaryChange;
      if (route.ready) head += " · ready in " + route.ready;
      li.appendChild(el("div", head, "route-head"));
      if (route.prep) {
        var prep = el("div", "Preparation: " + route.prep, "gain");
        if (route.prepBasis) prep.title = route.prepBasis;
        li.appendChild(prep);
      }
      var steps = el("ol", null, "route-steps");
      route.steps.forEach(function (step) {
        var s = el("li");
        s.appendChild(el("span", step.fromLabel + " → " + step.toLabel));
        s.appendChild(el("span", step.kind, "kind-tag"));
        if (step.salaryChange) s.appendChild(el("span", "pay " + step.salaryChange, "kind-tag"));
        s.appendChild(el("div", step.skills.length ? "Gain: " + step.skills.join(", ")
          : "No new skills listed", "gain"));
        if (step.prep) s.appendChild(el("div", "Preparation: " + step.prep, "gain"));
        steps.appendChild(s);
      });
      li.appendChild(steps);
      li.addEventListener("click", function () {
        items.forEach(function (other) { other.classList.remove("active"); });
        li.classList.add("active");
        var ids = {};
        var edgeIds = [];
        route.steps.forEach(function (step) {
          ids[step.from] = true; ids[step.to] = true;
          edges.get({ filter: function (e) {
            return e.from === step.from && e.to === step.to && !!e.routes;
          } }).forEach(function (e) { edgeIds.push(e.id); });
        });
        network.setSelection({ nodes: Object.keys(ids), edges: edgeIds },
          { unselectAll: true, highlightEdges: false });
      });
      items.push(li);
      ol.appendChild(li);
    });
  }
})();
