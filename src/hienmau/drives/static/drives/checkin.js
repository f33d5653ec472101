// Check-in page. Find a registrant (the server's search when online, the downloaded list when not), put
// each outcome into an outbox kept in localStorage, and send the outbox whenever the network allows.
// Every outcome carries an id made here (crypto.randomUUID), so an outcome sent twice — a retry after a
// lost answer, another tab, a reload — is recorded once by the server. Nothing leaves the outbox until
// the server has answered for it.
(function () {
  "use strict";
  const root = document.getElementById("checkin");
  const configNode = document.getElementById("checkin-config");
  if (!root || !configNode) return;
  const config = JSON.parse(configNode.textContent);
  const S = config.strings;
  const OUTBOX_KEY = "hienmau.checkin." + config.drive + ".outbox";
  const SHOWN = 50;
  const TOKEN = /^[A-Za-z0-9_-]{16,24}$/;

  const results = document.getElementById("checkin-results");
  const searchForm = document.getElementById("search-form");
  const searchInput = document.getElementById("q");
  const searchHint = document.getElementById("search-hint");
  const scanForm = document.getElementById("scan-form");
  const scanInput = document.getElementById("scan");
  const scanMessage = document.getElementById("scan-message");
  const dialog = document.getElementById("outcome-dialog");
  const outcomeForm = document.getElementById("outcome-form");
  const warning = document.getElementById("outcome-warning");
  const saveButton = document.getElementById("outcome-save");
  const rowTemplate = document.getElementById("row-template");

  // ---------------------------------------------------------------------------------------- helpers

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  }

  function newEventId() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    // Pages served over plain http on a LAN have no randomUUID; getRandomValues works everywhere.
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function readJson(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  // "09/10/2021" (or "9/10/2021", "2021-10-09") → "2021-10-09"; "" for blank; null for a date that does not exist.
  function isoDate(text) {
    text = (text || "").trim();
    if (!text) return "";
    let match = text.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
    let day, month, year;
    if (match) { day = Number(match[1]); month = Number(match[2]); year = Number(match[3]); }
    else if ((match = text.match(/^(\d{4})-(\d{2})-(\d{2})$/))) { year = Number(match[1]); month = Number(match[2]); day = Number(match[3]); }
    else return null;
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
    return date.toISOString().slice(0, 10);
  }

  function tokenFromScan(text) {
    text = (text || "").trim();
    if (/[/?=#]/.test(text)) {
      const parts = text.split(/[/?=&#]/).filter(Boolean);
      text = parts.length ? parts[parts.length - 1] : "";
    }
    return TOKEN.test(text) ? text : "";
  }

  // --------------------------------------------------------------------- the downloaded registrant list

  // Statuses come from three places, each stamped with the server's clock (epoch seconds): rows the
  // server rendered (data-at), the downloaded list (snapshot.at) and answers to this page's outcomes
  // (confirmed). The newest wins; an outcome still in the outbox wins over all of them.
  const snapshot = { list: [], byId: new Map(), byToken: new Map(), at: 0 };
  const CONFIRMED_KEY = "hienmau.checkin." + config.drive + ".confirmed";
  const confirmed = new Map(readJson(CONFIRMED_KEY, [])); // registration id → {status, at}; kept for a reload

  function keepConfirmed() {
    localStorage.setItem(CONFIRMED_KEY, JSON.stringify(Array.from(confirmed.entries())));
  }

  function setSnapshot(registrations, at) {
    registrations.forEach(function (r) {
      const words = r.folded.trim().split(" ");
      r.sortKey = words[words.length - 1] + " " + r.folded;
    });
    registrations.sort(function (a, b) { return a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.id - b.id; });
    snapshot.list = registrations;
    snapshot.byId = new Map(registrations.map(function (r) { return [r.id, r]; }));
    snapshot.byToken = new Map(registrations.map(function (r) { return [r.token, r]; }));
    snapshot.at = at || 0;
    confirmed.forEach(function (value, id) { if (value.at < snapshot.at) confirmed.delete(id); });
    keepConfirmed();
  }

  async function refreshSnapshot() {
    try {
      const response = await fetch(config.urls.snapshot, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return false;
      const data = await response.json();
      setSnapshot(data.registrations || [], data.at);
      paintRows();
      return true;
    } catch (e) {
      return false;
    }
  }

  function localSearch(text) {
    text = (text || "").trim();
    const token = tokenFromScan(text);
    if (token && snapshot.byToken.has(token)) return [snapshot.byToken.get(token)];
    if (!text) return snapshot.list.filter(function (r) { return currentStatus(r.id) === "registered"; });
    const words = fold(text).split(" ").filter(Boolean);
    return snapshot.list.filter(function (r) {
      return words.every(function (word) { return r.folded.indexOf(" " + word) !== -1; });
    });
  }

  function rowFor(r) {
    const li = rowTemplate.content.firstElementChild.cloneNode(true);
    li.dataset.id = r.id;
    li.dataset.token = r.token;
    li.dataset.name = r.name;
    li.dataset.status = r.status;
    li.dataset.at = snapshot.at;
    li.querySelector("[data-field=name]").textContent = r.name;
    li.querySelector("[data-field=unit]").textContent = r.unit;
    li.querySelector("[data-field=kind]").textContent = r.kind_label;
    return li;
  }

  function renderLocal(list) {
    results.replaceChildren();
    list.slice(0, SHOWN).forEach(function (r) { results.appendChild(rowFor(r)); });
    if (!list.length) {
      const li = document.createElement("li");
      li.className = "empty muted";
      li.textContent = S.none;
      results.appendChild(li);
    } else if (list.length > SHOWN) {
      const li = document.createElement("li");
      li.className = "more muted small";
      li.textContent = format(S.more, { n: list.length - SHOWN });
      results.appendChild(li);
    }
    paintRows();
  }

  // ------------------------------------------------------------------------------------------ outbox

  function readOutbox() {
    return readJson(OUTBOX_KEY, []);
  }

  function writeOutbox(items) {
    localStorage.setItem(OUTBOX_KEY, JSON.stringify(items));
  }

  function changeOutbox(change) {
    const items = change(readOutbox());
    writeOutbox(items);
    render();
  }

  function pendingItems() {
    return readOutbox().filter(function (item) { return item.state !== "refused"; });
  }

  function pendingFor(id) {
    const items = pendingItems().filter(function (item) { return item.registration === id; });
    return items.length ? items[items.length - 1] : null;
  }

  function serverStatus(id, rowStatus, rowAt) {
    let best = { status: rowStatus || "registered", at: rowStatus ? Number(rowAt) || 0 : -1 };
    const known = snapshot.byId.get(id);
    if (known && snapshot.at >= best.at) best = { status: known.status, at: snapshot.at };
    const mine = confirmed.get(id);
    if (mine && mine.at >= best.at) best = mine;
    return best.status;
  }

  function currentStatus(id, rowStatus, rowAt) {
    const item = pendingFor(id);
    return item ? item.outcome : serverStatus(id, rowStatus, rowAt);
  }

  function enqueue(item) {
    changeOutbox(function (items) { items.push(item); return items; });
  }

  // ------------------------------------------------------------------------------------ sending

  let flushing = false;
  let failures = 0;
  let retryTimer = null;
  let retryAt = 0;
  let lastError = "";

  function payload(item) {
    return {
      client_event_id: item.client_event_id, registration: item.registration, registration_token: item.registration_token,
      outcome: item.outcome, component: item.component, volume_ml: item.volume_ml, bag_number: item.bag_number,
      deferral_reason: item.deferral_reason, deferral_until: item.deferral_until,
      override_physician: item.override_physician || "", override_reason: item.override_reason || "",
      correction: item.correction ? "true" : "",
    };
  }

  async function send(item) {
    let response;
    try {
      response = await fetch(config.urls.outcome, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(payload(item)),
      });
    } catch (e) {
      return "offline"; // no network, or the answer was lost: the same id goes again later
    }
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (response.ok && data.ok) {
      confirmed.set(item.registration, { status: data.status, at: data.at || 0 });
      keepConfirmed();
      changeOutbox(function (items) {
        return items.filter(function (other) { return other.client_event_id !== item.client_event_id; });
      });
      lastError = "";
      return "sent";
    }
    // Refused for good (the rules, a conflict, bad data): kept in the outbox with the server's reason until
    // the officer dismisses it or sends it again with a physician's permission or as a correction.
    if (response.status === 400 || response.status === 404 || response.status === 409 || response.status === 422) {
      changeOutbox(function (items) {
        items.forEach(function (other) {
          if (other.client_event_id === item.client_event_id) {
            other.state = "refused";
            other.message = data.error || response.statusText;
            other.can_override = Boolean(data.override);
            other.can_correct = Boolean(data.correction);
          }
        });
        return items;
      });
      refreshSnapshot();
      return "refused";
    }
    lastError = response.status === 401 || response.status === 403 ? (data.error || S.login) : "";
    return "retry"; // the server answered but could not record it now (login, 5xx): again later
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    const seconds = Math.min(60, Math.pow(2, Math.min(failures - 1, 6))) * (0.8 + Math.random() * 0.4);
    retryAt = Date.now() + seconds * 1000;
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, seconds * 1000);
  }

  let snapshotTimer = null;
  function refreshSoon() {
    // After outcomes went through: the counter now, the downloaded list (kept by the service worker for
    // a reload without network) a little later, once for a burst of scans.
    refreshCounter();
    clearTimeout(snapshotTimer);
    snapshotTimer = setTimeout(refreshSnapshot, 3000);
  }

  async function flush() {
    if (flushing) return;
    flushing = true;
    clearTimeout(retryTimer);
    retryTimer = null;
    let sent = 0;
    let again = false;
    // A registrant whose outcome met a server error waits for the next pass (their later outcomes too, to
    // keep their order); everyone else's still go. Without network the pass stops at once.
    const held = new Set();
    try {
      for (;;) {
        if (!navigator.onLine) break; // the "online" event starts the next pass
        const item = pendingItems().find(function (other) { return !held.has(other.registration); });
        if (!item) break;
        markSending(item.client_event_id, true);
        const outcome = await send(item);
        markSending(item.client_event_id, false);
        if (outcome === "offline") { again = true; break; }
        if (outcome === "retry") { again = true; held.add(item.registration); continue; }
        sent += 1;
      }
      if (again) { failures += 1; scheduleRetry(); } else { failures = 0; }
    } finally {
      flushing = false;
      render();
      if (sent) refreshSoon();
    }
  }

  const sending = new Set();
  function markSending(id, on) {
    if (on) sending.add(id); else sending.delete(id);
    renderOutbox();
  }

  function refreshCounter() {
    if (window.htmx && document.getElementById("counter")) window.htmx.trigger("#counter", "refresh");
  }

  // ------------------------------------------------------------------------------------ rendering

  function paintRows() {
    results.querySelectorAll("li.reg").forEach(function (li) {
      const id = Number(li.dataset.id);
      const item = pendingFor(id);
      const status = currentStatus(id, li.dataset.status, li.dataset.at); // data-status stays what the server said
      ["registered", "donated", "deferred", "no_show"].forEach(function (name) {
        li.classList.toggle("status-" + name, name === status);
      });
      li.classList.toggle("is-pending", Boolean(item));
      li.querySelector("[data-field=status]").textContent =
        (config.statuses[status] || status) + (item ? " · " + S.pending : "");
    });
  }

  function describe(item) {
    let text = item.name + " — " + (S[item.outcome] || item.outcome);
    if (item.outcome === "donated") text += " " + item.volume_ml + " ml" + (item.bag_number ? " · " + item.bag_number : "");
    if (item.outcome === "deferred") text += ": " + item.deferral_reason;
    return text;
  }

  function renderOutbox() {
    const items = readOutbox();
    const section = document.getElementById("outbox");
    const list = document.getElementById("outbox-list");
    section.hidden = items.length === 0;
    document.getElementById("outbox-count").textContent = String(items.length);
    list.replaceChildren();
    items.forEach(function (item) {
      const li = document.createElement("li");
      li.dataset.event = item.client_event_id;
      li.className = item.state === "refused" ? "refused" : "pending";
      const what = document.createElement("span");
      what.className = "what";
      what.textContent = describe(item);
      const tag = document.createElement("span");
      tag.className = "tag " + (item.state === "refused" ? "refused" : "pending");
      tag.textContent = item.state === "refused" ? S.refused : sending.has(item.client_event_id) ? S.sending : S.pending;
      li.append(what, tag);
      if (item.state === "refused") {
        const why = document.createElement("span");
        why.className = "why";
        why.textContent = item.message || "";
        const dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "link";
        dismiss.textContent = S.dismiss;
        dismiss.addEventListener("click", function () {
          changeOutbox(function (all) { return all.filter(function (other) { return other.client_event_id !== item.client_event_id; }); });
        });
        li.append(dismiss);
        if (item.can_override) li.append(retryButton(item, "override", S.override));
        if (item.can_correct) li.append(retryButton(item, "correct", S.correct));
        li.append(why);
      }
      list.appendChild(li);
    });
  }

  function retryButton(item, how, label) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link retry-" + how;
    button.textContent = label;
    button.addEventListener("click", function () { retry(item, how); });
    return button;
  }

  function renderNet() {
    const bar = document.getElementById("net-status");
    const text = document.getElementById("net-text");
    const badge = document.getElementById("pending-badge");
    const pending = pendingItems().length;
    const online = navigator.onLine;
    bar.classList.toggle("online", online && !lastError);
    bar.classList.toggle("offline", !online);
    bar.classList.toggle("error", online && Boolean(lastError));
    if (!online) text.textContent = S.offline;
    else if (lastError) text.textContent = lastError;
    else if (retryTimer && pending) text.textContent = format(S.retry, { s: Math.max(1, Math.round((retryAt - Date.now()) / 1000)) });
    else text.textContent = S.online;
    badge.hidden = pending === 0;
    badge.textContent = pending + " " + S.pending;
    searchHint.hidden = online;
  }

  function render() {
    renderOutbox();
    renderNet();
    paintRows();
  }

  // ------------------------------------------------------------------------------ the outcome dialog

  let current = null;
  let replacing = null; // the refused outbox item the dialog sends again

  // Send a refused outcome again: with a physician's permission (the dialog asks who and why), or as a
  // correction of the outcome recorded before (at once, the same outcome with the correction flag).
  function retry(item, how) {
    const known = snapshot.byId.get(item.registration);
    const registrant = known ? registrantFromSnapshot(known)
      : { id: item.registration, token: item.registration_token, name: item.name, unit: "", kind: "", status: "registered", at: 0 };
    if (how === "correct") {
      changeOutbox(function (items) {
        return items.filter(function (other) { return other.client_event_id !== item.client_event_id; });
      });
      enqueue(Object.assign({}, item, {
        client_event_id: newEventId(), correction: true, state: "pending", message: "", can_override: false, can_correct: false,
      }));
      flush();
      return;
    }
    openDialog(registrant, item.outcome);
    replacing = item.client_event_id;
    if (item.component) outcomeForm.querySelector("#out-component").value = item.component;
    const volume = outcomeForm.querySelector("input[name=volume_ml][value='" + item.volume_ml + "']");
    if (volume) volume.checked = true;
    outcomeForm.querySelector("#out-bag").value = item.bag_number || "";
    outcomeForm.querySelector("#out-correction").checked = Boolean(item.correction);
    const override = document.getElementById("override-part");
    override.open = true;
    warning.hidden = false;
    warning.textContent = item.message || "";
    outcomeForm.querySelector("#out-physician").focus();
  }

  function registrantFromRow(li) {
    return {
      id: Number(li.dataset.id), token: li.dataset.token, name: li.dataset.name,
      unit: li.querySelector("[data-field=unit]").textContent, kind: li.querySelector("[data-field=kind]").textContent,
      status: li.dataset.status, at: li.dataset.at,
    };
  }

  function registrantFromSnapshot(r) {
    return { id: r.id, token: r.token, name: r.name, unit: r.unit, kind: r.kind_label, status: r.status, at: snapshot.at };
  }

  function showPart(outcome) {
    outcomeForm.querySelectorAll(".part").forEach(function (part) { part.hidden = part.dataset.part !== outcome; });
  }

  function openDialog(registrant, outcome) {
    current = registrant;
    const status = currentStatus(registrant.id, registrant.status, registrant.at);
    document.getElementById("outcome-title").textContent = registrant.name;
    document.getElementById("outcome-unit").textContent = registrant.unit;
    document.getElementById("outcome-kind").textContent = registrant.kind;
    outcomeForm.reset();
    replacing = null;
    document.getElementById("override-part").open = false;
    outcomeForm.querySelector("input[name=outcome][value=" + outcome + "]").checked = true;
    showPart(outcome);
    warning.hidden = status !== "donated";
    warning.textContent = status === "donated" ? S.alreadyDonated : "";
    saveButton.disabled = status === "donated";
    dialog.showModal();
    const focus = { donated: "#out-bag", deferred: "#out-reason", no_show: "#outcome-save" }[outcome];
    if (!saveButton.disabled) outcomeForm.querySelector(focus).focus();
  }

  outcomeForm.addEventListener("change", function (event) {
    if (event.target.name === "outcome") showPart(event.target.value);
  });

  outcomeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    const data = new FormData(outcomeForm);
    const outcome = data.get("outcome");
    const item = {
      client_event_id: newEventId(), registration: current.id, registration_token: current.token, name: current.name,
      outcome: outcome, component: outcome === "donated" ? data.get("component") : "",
      volume_ml: outcome === "donated" ? Number(data.get("volume_ml")) : null,
      bag_number: outcome === "donated" ? (data.get("bag_number") || "").trim() : "",
      deferral_reason: outcome === "deferred" ? (data.get("deferral_reason") || "").trim() : "",
      deferral_until: outcome === "deferred" ? isoDate(data.get("deferral_until")) : "",
      override_physician: outcome === "donated" ? (data.get("override_physician") || "").trim() : "",
      override_reason: outcome === "donated" ? (data.get("override_reason") || "").trim() : "",
      correction: data.get("correction") === "on",
      queued_at: new Date().toISOString(), state: "pending",
    };
    const problem = outcome === "donated"
      ? (Boolean(item.override_physician) !== Boolean(item.override_reason)
        ? [item.override_physician ? "#out-override-reason" : "#out-physician", S.needOverride] : null)
      : outcome !== "deferred" ? null
      : !item.deferral_reason ? ["#out-reason", S.needReason]
      : item.deferral_until === null ? ["#out-until", S.badDate] : null;
    if (problem) {
      warning.hidden = false;
      warning.textContent = problem[1];
      outcomeForm.querySelector(problem[0]).focus();
      return;
    }
    if (replacing) {
      const old = replacing;
      changeOutbox(function (items) { return items.filter(function (other) { return other.client_event_id !== old; }); });
      replacing = null;
    }
    enqueue(item);
    dialog.close();
    current = null;
    flush();
  });

  document.getElementById("outcome-cancel").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () { if (document.activeElement === document.body) scanInput.focus(); });

  results.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-outcome]");
    if (!button) return;
    openDialog(registrantFromRow(button.closest("li.reg")), button.dataset.outcome);
  });

  // ------------------------------------------------------------------------------------ search, scan

  searchForm.addEventListener("htmx:beforeRequest", function (event) {
    if (navigator.onLine) return;
    event.preventDefault();
    renderLocal(localSearch(searchInput.value));
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt === searchForm) renderLocal(localSearch(searchInput.value));
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === results) paintRows();
    if (event.detail.target && event.detail.target.id === "walkin") refreshSnapshot();
  });
  document.body.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target !== results) return;
    const added = results.querySelector("li.reg");
    results.querySelectorAll("li.empty").forEach(function (li) { li.remove(); });
    if (added) added.classList.add("just-added");
    paintRows();
  });

  function scanSays(text, bad) {
    scanMessage.textContent = text;
    scanMessage.classList.toggle("bad", Boolean(bad));
  }

  scanForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const token = tokenFromScan(scanInput.value);
    scanInput.value = "";
    let found = token ? snapshot.byToken.get(token) : null;
    if (!found && token && navigator.onLine && await refreshSnapshot()) found = snapshot.byToken.get(token);
    if (!found) { scanSays(S.notFound, true); return; }
    scanSays("", false);
    renderLocal([found]);
    openDialog(registrantFromSnapshot(found), "donated");
  });

  const cameraButton = document.getElementById("camera-button");
  const cameraDialog = document.getElementById("camera-dialog");
  const video = document.getElementById("camera-video");
  if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    cameraButton.hidden = false;
    cameraButton.addEventListener("click", async function () {
      let detector, stream;
      try {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      } catch (e) {
        scanSays(S.cameraError, true);
        return;
      }
      let active = true;
      const stop = function () {
        active = false;
        stream.getTracks().forEach(function (track) { track.stop(); });
        if (cameraDialog.open) cameraDialog.close();
      };
      document.getElementById("camera-close").onclick = stop;
      cameraDialog.addEventListener("close", stop, { once: true });
      video.srcObject = stream;
      cameraDialog.showModal();
      await video.play();
      const tick = async function () {
        if (!active) return;
        try {
          const codes = await detector.detect(video);
          if (codes.length) {
            stop();
            scanInput.value = codes[0].rawValue;
            scanForm.requestSubmit();
            return;
          }
        } catch (e) { /* a frame that could not be read */ }
        setTimeout(tick, 250);
      };
      tick();
    });
  }

  // ---------------------------------------------------------------------------------- closing the drive

  const closeForm = document.getElementById("close-form");
  if (closeForm) {
    closeForm.addEventListener("submit", function (event) {
      const pending = pendingItems().length;
      const question = pending ? format(S.closeWithPending, { n: pending }) : S.confirmClose;
      if (!window.confirm(question)) event.preventDefault();
    });
  }

  // --------------------------------------------------------------------------------- network, start

  window.addEventListener("online", function () {
    failures = 0;
    lastError = "";
    render();
    flush();
    refreshSnapshot();
    refreshCounter();
  });
  window.addEventListener("offline", render);
  window.addEventListener("storage", function (event) { if (event.key === OUTBOX_KEY) render(); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") flush(); });
  setInterval(function () { if (!retryTimer) flush(); }, 30000);
  setInterval(refreshSnapshot, 60000);
  setInterval(renderNet, 1000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.urls.sw, { scope: config.urls.page })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        const assets = Array.from(document.querySelectorAll("link[rel=stylesheet][href], script[src]"), function (node) {
          return node.href || node.src;
        });
        if (registration.active) {
          registration.active.postMessage({ type: "cache", urls: [config.urls.page, config.urls.snapshot, config.urls.counter].concat(assets) });
        }
      })
      .catch(function () { /* no service worker: the open page still works offline, a reload does not */ });
  }

  window.hienmauCheckin = { flush: flush, outbox: readOutbox, search: localSearch };
  render();
  document.addEventListener("DOMContentLoaded", refreshCounter); // htmx sets the counter up on that event too
  refreshSnapshot().then(function () {
    // A page given back by the service worker (no network) lists what it listed when it was stored:
    // list again from the downloaded registrants, which may be newer.
    if (!navigator.onLine) renderLocal(localSearch(searchInput.value));
  });
  flush();
})();
