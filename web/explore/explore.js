"use strict";
// Defensores explorer: the graph as the token's role may see it (pseudonyms included),
// drawn with Cytoscape.js from web/node_modules. Every text from the API goes into the
// page through textContent, never as HTML: names and quotes come from complaints.
(function () {
  var KEY = "defensores.token";
  var COLOURS = {
    Person: "#d64545", Organization: "#2f80ed", Community: "#27ae60", Incident: "#f2994a",
    Place: "#9b51e0", LandDispute: "#8d6e63", Case: "#34495e", Complaint: "#95a5a6",
    ProtectionMeasure: "#16a085"
  };
  var INCIDENT_TYPES = ["killing", "attempted_killing", "threat", "assault", "criminalisation",
    "harassment", "stigmatisation", "surveillance", "eviction", "disappearance",
    "sexual_violence", "property_damage", "other"];
  var NODE_FIELDS = "id __typename ... on Actor { name } ... on Incident { type date } " +
    "... on Place { name ubigeo } ... on LandDispute { name } ... on Case { fileNumber } " +
    "... on Complaint { receivedAt confidentiality } ... on ProtectionMeasure { kind status }";
  var $ = function (id) { return document.getElementById(id); };
  var cy = null;

  function token() { return sessionStorage.getItem(KEY); }

  function text(el, value) { el.textContent = value == null ? "" : String(value); return el; }

  function make(tag, value, cls) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    return text(el, value);
  }

  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }

  function say(message) { text($("message"), message); }

  async function gql(query, variables) {
    var response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token() },
      body: JSON.stringify({ query: query, variables: variables || {} })
    });
    if (response.status === 401) { logout("El token no es válido. / The token is not valid."); }
    var body = await response.json();
    if (body.errors && body.errors.length) { throw new Error(body.errors[0].message); }
    return body.data;
  }

  function label(n) {
    if (n.name) { return n.name; }
    if (n.__typename === "Incident") {
      return n.type.toLowerCase() + (n.date ? " " + n.date : "");
    }
    if (n.fileNumber) { return n.fileNumber; }
    if (n.__typename === "Complaint") { return "denuncia " + (n.receivedAt || "").slice(0, 10); }
    if (n.kind) { return n.kind; }
    return n.id;
  }

  function addGraph(graph) {
    var added = [];
    graph.nodes.forEach(function (n) {
      if (cy.getElementById(n.id).length === 0) {
        added.push({ group: "nodes", data: { id: n.id, label: label(n), kind: n.__typename,
          type: (n.type || "").toLowerCase(), date: n.date || "" } });
      }
    });
    graph.edges.forEach(function (e) {
      if (cy.getElementById(e.id).length === 0) {
        added.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target,
          label: e.type } });
      }
    });
    cy.add(added);
    cy.resize();  // the container may have been laid out since the last draw
    cy.layout({ name: "cose", animate: false, randomize: false }).run();
    renderLists();
  }

  function renderLists() {
    var nodes = $("node-list"), edges = $("edge-list");
    clear(nodes); clear(edges);
    cy.nodes(":visible").forEach(function (n) {
      var li = document.createElement("li");
      var b = make("button", n.data("label"));
      b.type = "button";
      b.dataset.id = n.id();
      b.addEventListener("click", function () { select(n.id()); });
      li.appendChild(b);
      li.appendChild(make("span", " " + n.data("kind"), "kind"));
      nodes.appendChild(li);
    });
    cy.edges(":visible").forEach(function (e) {
      var li = document.createElement("li");
      var b = make("button", e.source().data("label") + " —" + e.data("label") + "→ " +
        e.target().data("label"));
      b.type = "button";
      b.dataset.id = e.id();
      b.addEventListener("click", function () { evidence(e.id()); });
      li.appendChild(b);
      edges.appendChild(li);
    });
    text($("graph-info"), cy.nodes(":visible").length + " nodos / nodes, " +
      cy.edges(":visible").length + " relaciones / relationships");
  }

  async function expand(id) {
    var data = await gql("query($id: ID!) { neighbourhood(id: $id, depth: 1, limit: 60) { " +
      "truncated nodes { " + NODE_FIELDS + " } edges { id type source target } } }", { id: id });
    addGraph(data.neighbourhood);
  }

  async function select(id) {
    say("");
    try {
      await expand(id);
      var n = cy.getElementById(id);
      cy.elements().unselect();
      n.select();
      var box = $("selected");
      clear(box);
      box.appendChild(make("strong", n.data("label")));
      box.appendChild(make("div", n.data("kind") + " · " + id, "kind"));
      await timeline(id, n.data("kind"));
    } catch (err) { say(err.message); }
  }

  async function timeline(id, kind) {
    var list = $("timeline");
    clear(list);
    if (["Person", "Organization", "Community", "Place", "LandDispute", "Case"].indexOf(kind) < 0) {
      return;
    }
    var data = await gql("query($id: ID!) { timeline(id: $id) { date roles " +
      "incident { id type } } }", { id: id });
    data.timeline.forEach(function (t) {
      list.appendChild(make("li", t.date + " — " + t.incident.type.toLowerCase() +
        (t.roles.length ? " (" + t.roles.join(", ").toLowerCase() + ")" : "")));
    });
  }

  async function evidence(factId) {
    say("");
    var box = $("evidence");
    clear(box);
    try {
      var data = await gql("query($id: ID!) { fact(id: $id) { type confidence review " +
        "evidence { complaintId quote confidence review method } } }", { id: factId });
      var fact = data.fact;
      if (!fact) { box.appendChild(make("p", "Sin datos / No data")); return; }
      box.appendChild(make("p", fact.type.toLowerCase() + " · confianza / confidence " + fact.confidence +
        " · revisión / review " + (fact.review || "extracted")));
      fact.evidence.forEach(function (e) {
        box.appendChild(make("blockquote", e.quote == null ?
          "(texto reservado / text withheld)" : e.quote));
        box.appendChild(make("div", "denuncia " + e.complaintId + " · " + e.method + " · " +
          e.confidence + " · " + e.review, "kind"));
      });
    } catch (err) { say(err.message); }
  }

  async function search(event) {
    event.preventDefault();
    say("");
    var list = $("results");
    clear(list);
    try {
      var data = await gql("query($t: String!) { search(text: $t, first: 15) { score matched " +
        "node { " + NODE_FIELDS + " } } }", { t: $("q").value });
      if (!data.search.length) { list.appendChild(make("li", "Sin resultados / No results")); }
      data.search.forEach(function (hit) {
        if (!hit.node) { return; }
        var li = document.createElement("li");
        var b = make("button", label(hit.node));
        b.type = "button";
        b.dataset.id = hit.node.id;
        b.addEventListener("click", function () { select(hit.node.id); });
        li.appendChild(b);
        li.appendChild(make("span", " " + hit.node.__typename + " " + hit.score, "kind"));
        list.appendChild(li);
      });
    } catch (err) { say(err.message); }
  }

  function applyFilters() {
    var type = $("f-type").value, from = $("f-from").value, to = $("f-to").value;
    cy.nodes().forEach(function (n) {
      if (n.data("kind") !== "Incident") { return; }
      var date = n.data("date");
      var keep = (!type || n.data("type") === type) && (!from || (date && date >= from.slice(0, date.length))) &&
        (!to || (date && date <= to));
      n.style("display", keep ? "element" : "none");
    });
    renderLists();
  }

  async function paths() {
    say("");
    var out = $("p-result");
    text(out, "");
    try {
      var data = await gql("query($a: ID!, $b: ID!) { connections(fromId: $a, toId: $b, " +
        "maxHops: 4) { nodes { " + NODE_FIELDS + " } edges { id type source target } } }",
        { a: $("p-from").value.trim(), b: $("p-to").value.trim() });
      var found = data.connections;
      found.forEach(addGraph);
      cy.elements().removeClass("path");
      found.forEach(function (g) {
        g.nodes.forEach(function (n) { cy.getElementById(n.id).addClass("path"); });
        g.edges.forEach(function (e) { cy.getElementById(e.id).addClass("path"); });
      });
      text(out, found.length + " camino(s) / path(s)" + (found.length ?
        ": " + found[0].nodes.map(label).join(" → ") : ""));
    } catch (err) { say(err.message); }
  }

  async function hotspots() {
    say("");
    var body = $("hotspots").tBodies[0];
    clear(body);
    try {
      var today = new Date().toISOString().slice(0, 10);
      var data = await gql("query($to: String!) { patterns { hotspots(from: \"2000-01-01\", " +
        "to: $to, top: 15) { name ubigeo count growth } } }", { to: today });
      data.patterns.hotspots.forEach(function (h) {
        var tr = document.createElement("tr");
        [h.name, h.ubigeo, h.count, h.growth == null ? "—" : h.growth].forEach(function (v) {
          tr.appendChild(make("td", v));
        });
        body.appendChild(tr);
      });
    } catch (err) { say(err.message); }
  }

  async function alerts() {
    say("");
    var body = $("alerts").tBodies[0];
    clear(body);
    try {
      var data = await gql("{ alerts(first: 20) { nodes { id level status subject { name } } } }");
      data.alerts.nodes.forEach(function (a) {
        var tr = document.createElement("tr");
        [a.level, a.status, a.subject ? a.subject.name : a.id].forEach(function (v) {
          tr.appendChild(make("td", v));
        });
        body.appendChild(tr);
      });
    } catch (err) { say(err.message); }
  }

  function start() {
    $("login").hidden = true;
    $("app").hidden = false;
    $("logout").hidden = false;
    if (!cy) {
      cy = cytoscape({
        container: $("cy"),
        style: [
          { selector: "node", style: { "label": "data(label)", "font-size": 9,
            "background-color": function (n) { return COLOURS[n.data("kind")] || "#777"; } } },
          { selector: "edge", style: { "label": "data(label)", "font-size": 7, "width": 1.5,
            "curve-style": "bezier", "target-arrow-shape": "triangle",
            "text-rotation": "autorotate" } },
          { selector: ".path", style: { "line-color": "#e00", "target-arrow-color": "#e00",
            "border-width": 3, "border-color": "#e00", "width": 3 } },
          { selector: ":selected", style: { "border-width": 3, "border-color": "#000" } }
        ]
      });
      cy.on("tap", "node", function (e) { select(e.target.id()); });
      cy.on("tap", "edge", function (e) { evidence(e.target.id()); });
    }
  }

  function logout(message) {
    sessionStorage.removeItem(KEY);
    $("app").hidden = true;
    $("login").hidden = false;
    $("logout").hidden = true;
    text($("login-error"), message || "");
  }

  async function login(event) {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("token").value.trim());
    $("token").value = "";
    try {
      await gql("{ __typename }");
      start();
    } catch (err) { logout(err.message); }
  }

  INCIDENT_TYPES.forEach(function (t) {
    var o = make("option", t);
    o.value = t;
    $("f-type").appendChild(o);
  });
  $("login-form").addEventListener("submit", login);
  $("search-form").addEventListener("submit", search);
  $("f-apply").addEventListener("click", applyFilters);
  $("p-run").addEventListener("click", paths);
  $("hotspots-btn").addEventListener("click", hotspots);
  $("alerts-btn").addEventListener("click", alerts);
  $("logout").addEventListener("click", function () { logout(""); });
  if (token()) { start(); }
})();
