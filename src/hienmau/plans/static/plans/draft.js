// Next year's draft: totals kept live while the officer edits. Each row's months or rounds are added
// up beside it (the row turns red while they differ from its target), the columns and the grand total
// at the foot, and the status line says how far the sum is from the total that was set.
(function () {
  const grid = document.getElementById("draft-grid");
  if (!grid) return;
  const status = document.getElementById("draft-status");
  const target = parseInt(status.dataset.target, 10);
  const words = status.dataset;

  function read(input) {
    const text = (input.value || "").trim().replace(/\./g, "").replace(/\s/g, "");
    if (text === "") return 0;
    return /^\d+$/.test(text) ? parseInt(text, 10) : NaN;
  }
  function show(number) {
    return String(Math.abs(number)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function signed(number) {
    return number > 0 ? "+" + show(number) : number < 0 ? "−" + show(number) : "0";
  }

  function update() {
    let total = 0, last = 0, bad = false;
    const columns = [];
    grid.querySelectorAll("tbody tr").forEach(function (row) {
      const own = row.querySelector("input.total");
      const value = read(own);
      own.classList.toggle("invalid", isNaN(value));
      bad = bad || isNaN(value);
      total += isNaN(value) ? 0 : value;
      last += parseInt(row.dataset.last, 10) || 0;
      row.querySelector(".delta").textContent = isNaN(value) ? "" : signed(value - (parseInt(row.dataset.last, 10) || 0));
      const parts = row.querySelectorAll("input.part");
      if (!parts.length) return;
      let sum = 0;
      parts.forEach(function (input, index) {
        const part = read(input);
        input.classList.toggle("invalid", isNaN(part));
        columns[index] = (columns[index] || 0) + (isNaN(part) ? 0 : part);
        sum += isNaN(part) ? 0 : part;
      });
      row.querySelector(".rowsum").textContent = show(sum);
      row.classList.toggle("flag", sum !== value);
    });
    document.getElementById("draft-total").textContent = show(total);
    document.getElementById("draft-delta").textContent = signed(total - last);
    grid.querySelectorAll("tfoot .coltotal").forEach(function (cell, index) { cell.textContent = show(columns[index] || 0); });
    const partSum = document.getElementById("draft-partsum");
    if (partSum) partSum.textContent = show(columns.reduce(function (a, b) { return a + b; }, 0));
    const flagged = grid.querySelectorAll("tbody tr.flag").length;
    let text = words.wordsTotal + ": " + show(total) + " / " + show(target) + " " + words.wordsMeasure;
    if (total !== target) text += " (" + words.wordsOff + " " + signed(total - target) + ")";
    if (flagged) text += " · " + flagged + " " + words.wordsRows;
    if (bad) text += " · " + words.wordsBad;
    status.textContent = text;
    status.classList.toggle("bad", total !== target || flagged > 0 || bad);
  }

  grid.addEventListener("input", update);
  update();
})();
