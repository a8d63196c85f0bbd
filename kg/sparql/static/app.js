// The query page: named queries from /queries, a textarea, results from /sparql as a table. No network
// access beyond this server, so it works offline; every asset is served from /static.
"use strict";

const PREFIXES = {
  "https://w3id.org/cnkg/entity/": "ent:",
  "https://w3id.org/cnkg/ontology#": "cnkg:",
  "https://w3id.org/cnkg/issue/": "issue:",
  "http://www.w3.org/2004/02/skos/core#": "skos:",
  "https://schema.org/": "schema:",
  "http://www.w3.org/ns/prov#": "prov:",
  "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
  "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
  "http://www.w3.org/2001/XMLSchema#": "xsd:",
};
const NUMERIC = /#(integer|decimal|double|float|long|int)$/;
const DOWNLOADS = [["json", "JSON"], ["xml", "XML"], ["csv", "CSV"], ["tsv", "TSV"]];
const GRAPH_DOWNLOADS = [["turtle", "Turtle"], ["ntriples", "N-Triples"], ["jsonld", "JSON-LD"]];

const $ = (id) => document.getElementById(id);

function shorten(iri) {
  for (const [ns, prefix] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns)) return prefix + iri.slice(ns.length);
  }
  return iri;
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    td.textContent = shorten(term.value);
    td.title = term.value;
  } else if (term.type === "literal") {
    td.textContent = term.value;
    if (term.datatype && NUMERIC.test(term.datatype)) td.className = "num";
    if (term["xml:lang"]) {
      const lang = document.createElement("span");
      lang.className = "lang";
      lang.textContent = " @" + term["xml:lang"];
      td.appendChild(lang);
    }
  } else {
    td.textContent = term.type === "bnode" ? "_:" + term.value : JSON.stringify(term.value);
  }
  return td;
}

function table(doc) {
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const v of doc.head.vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const b of doc.results.bindings) {
    const row = body.insertRow();
    for (const v of doc.head.vars) row.appendChild(cell(b[v]));
  }
  return t;
}

function downloadLinks(query, graph) {
  const box = $("downloads");
  box.textContent = "";
  for (const [name, label] of graph ? GRAPH_DOWNLOADS : DOWNLOADS) {
    const a = document.createElement("a");
    a.href = "/sparql?" + new URLSearchParams({ query, format: name }).toString();
    a.download = "results." + (name === "ntriples" ? "nt" : name === "turtle" ? "ttl" : name);
    a.textContent = label;
    box.appendChild(a);
  }
}

async function run(event) {
  if (event) event.preventDefault();
  const query = $("query").value;
  const results = $("results");
  const error = $("error");
  $("run").disabled = true;
  $("meta").textContent = "running…";
  error.hidden = true;
  results.textContent = "";
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: new URLSearchParams({ query }).toString(),
    });
    const ms = Math.round(performance.now() - started);
    const type = response.headers.get("Content-Type") || "";
    const text = await response.text();
    if (!response.ok) {
      error.textContent = response.status + " " + response.statusText + "\n" + text;
      error.hidden = false;
      $("meta").textContent = ms + " ms";
      return;
    }
    const truncated = response.headers.get("X-cnkg-Truncated") === "true";
    if (truncated) {
      const warn = document.createElement("div");
      warn.className = "warn";
      warn.textContent = "Truncated: the answer had more rows than the server's row cap; add a LIMIT or narrow the query.";
      results.appendChild(warn);
    }
    if (type.startsWith("application/sparql-results+json")) {
      const doc = JSON.parse(text);
      if ("boolean" in doc) {
        results.appendChild(document.createTextNode("ASK → " + doc.boolean));
      } else {
        results.appendChild(table(doc));
        $("meta").textContent = doc.results.bindings.length + " rows · " + ms + " ms";
      }
      downloadLinks(query, false);
    } else {
      const pre = document.createElement("pre");
      pre.className = "graph";
      pre.textContent = text;
      results.appendChild(pre);
      $("meta").textContent = response.headers.get("X-cnkg-Rows") + " triples · " + ms + " ms";
      downloadLinks(query, true);
    }
    if (!$("meta").textContent.includes("·")) $("meta").textContent = ms + " ms";
  } catch (failure) {
    error.textContent = "The server did not answer: " + failure;
    error.hidden = false;
    $("meta").textContent = "";
  } finally {
    $("run").disabled = false;
  }
}

async function loadQueries() {
  const list = $("queries");
  try {
    const response = await fetch("/queries");
    const queries = await response.json();
    list.textContent = "";
    for (const q of queries) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.name = q.name;
      button.textContent = q.title;
      const small = document.createElement("small");
      small.textContent = q.name;
      button.appendChild(small);
      button.title = q.description;
      button.addEventListener("click", () => {
        for (const b of list.querySelectorAll("button")) b.classList.remove("active");
        button.classList.add("active");
        $("query").value = q.query;
        $("about").textContent = q.description;
        run();
      });
      li.appendChild(button);
      list.appendChild(li);
    }
  } catch (failure) {
    list.textContent = "could not load the named queries: " + failure;
  }
}

async function loadStatus() {
  try {
    const health = await (await fetch("/health")).json();
    $("status").textContent = health.triples.toLocaleString() + " triples · " + health.graphs.length +
      " named graphs · SPARQL 1.1 endpoint at /sparql";
  } catch (failure) {
    /* the page still works without the figures */
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("form").addEventListener("submit", run);
  $("query").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(e);
  });
  loadQueries();
  loadStatus();
});
