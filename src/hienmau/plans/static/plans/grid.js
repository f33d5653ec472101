// Allocation grid: arrow keys and Enter move between cells; the row turns red while its months or
// rounds do not add up to its total. Saving is done by htmx on "change", sending with the new value the
// one the cell showed before (its defaultValue): a cell someone else changed meanwhile is refused (409),
// and the cell then shows the stored value, the status line says whose cell and what was not saved.
(function () {
  const grid = document.getElementById("allocation-grid");
  if (!grid) return;
  const cells = () => Array.from(grid.querySelectorAll("input.cell"));

  function position(input) {
    const row = input.closest("tr");
    const rowInputs = Array.from(row.querySelectorAll("input.cell"));
    const rows = Array.from(grid.querySelectorAll("tbody tr"));
    return { rowIndex: rows.indexOf(row), colIndex: rowInputs.indexOf(input), rows };
  }

  function focusAt(rows, rowIndex, colIndex) {
    const row = rows[rowIndex];
    const target = row && row.querySelectorAll("input.cell")[colIndex];
    if (!target) return false;
    target.focus();
    target.select();
    return true;
  }

  grid.addEventListener("keydown", function (event) {
    const input = event.target;
    if (!input.matches("input.cell")) return;
    const { rowIndex, colIndex, rows } = position(input);
    const moves = { ArrowDown: [1, 0], Enter: [1, 0], ArrowUp: [-1, 0] };
    if (event.key in moves) {
      event.preventDefault();
      // Leaving the cell fires its native "change", which htmx saves; only at the edge of the grid,
      // where focus stays put, is the change sent from here.
      if (!focusAt(rows, rowIndex + moves[event.key][0], colIndex)) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    } else if (event.key === "ArrowRight" && input.selectionStart === input.value.length) {
      const list = cells(); const next = list[list.indexOf(input) + 1];
      if (next) { event.preventDefault(); next.focus(); next.select(); }
    } else if (event.key === "ArrowLeft" && input.selectionStart === 0) {
      const list = cells(); const prev = list[list.indexOf(input) - 1];
      if (prev) { event.preventDefault(); prev.focus(); prev.select(); }
    }
  });

  function isCell(elt) { return elt && elt.matches && elt.matches("#allocation-grid input.cell"); }

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (isCell(event.detail.elt)) event.detail.parameters.shown = event.detail.elt.defaultValue;
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status !== 409 || !isCell(event.detail.elt)) return;
    // A stale cell: the answer's totals and status line are swapped in like a save's, and the cell
    // takes the stored value, which is also what it now "showed" for the next edit.
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    const parsed = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    const status = parsed.getElementById("grid-status");
    if (status && status.dataset.fresh !== undefined) {
      event.detail.elt.defaultValue = status.dataset.fresh;
      event.detail.elt.value = status.dataset.fresh;
      event.detail.elt.classList.add("invalid");
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    const sum = event.detail.elt;
    if (sum && sum.id && sum.id.startsWith("rowsum-")) {
      sum.closest("tr").classList.toggle("flag", sum.dataset.mismatch === "1");
    }
  });
  document.body.addEventListener("htmx:oobAfterSwap", function (event) {
    const target = event.detail.target;
    if (target && target.id && target.id.startsWith("rowsum-")) {
      target.closest("tr").classList.toggle("flag", target.dataset.mismatch === "1");
    }
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    const status = document.getElementById("grid-status");
    if (event.detail.xhr.status === 422 || event.detail.xhr.status === 503) {
      // The server explains the problem in the status line it sent back (422), or on its page for a lost
      // database connection (503, core/middleware.DatabaseFaultMiddleware); htmx swaps neither.
      const parsed = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
      const message = parsed.getElementById("grid-status") || parsed.getElementById("fault-message");
      if (message && status) { status.textContent = message.textContent; status.classList.add("error"); }
      event.detail.elt.classList.add("invalid");
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    const elt = event.detail.elt;
    if (event.detail.successful && event.detail.xhr.status === 200 && elt.classList) {
      elt.classList.remove("invalid");
      if (isCell(elt)) elt.defaultValue = elt.value; // saved: what the cell shows now
    }
  });
})();
