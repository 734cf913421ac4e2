// 录入凭证: the behaviour of the voucher form (templates/Voucher.html).
// Fava loads this module for the extension and calls onExtensionPageLoad whenever the page is
// shown (also when reached through the sidebar, without a reload). All logic that decides
// anything is on the server (xiaozhang.reports.voucher); this file only moves the form's values
// and shows the answers. No download, no CDN.

const LINE_ROWS = 2;

function setup(api) {
  const form = document.getElementById("xz-voucher-form");
  if (!form || form.dataset.ready) return;
  form.dataset.ready = "1";
  const body = form.querySelector("table.xz-lines tbody");
  const template = form.querySelector("#xz-line-template");
  const kindRows = JSON.parse(form.dataset.kindRows);
  const numberInput = form.querySelector("#xz-number");
  const dateInput = form.querySelector("#xz-date");
  const status = form.querySelector(".xz-status");
  const others = form.querySelector(".xz-others");
  const preview = form.querySelector(".xz-preview");
  const where = form.querySelector(".xz-where");
  const newButton = form.querySelector(".xz-new");
  let checked = null; // the last check's answer (its sha256 is the save's change check)

  function kind() {
    return form.querySelector("input[name=kind]:checked").value;
  }

  // -- postings rows ---------------------------------------------------------------------
  function addLine(side, hint) {
    const row = template.content.firstElementChild.cloneNode(true);
    body.appendChild(row);
    const account = row.querySelector(".xz-account");
    if (hint) account.placeholder = hint + "（输入科目编码或名称）";
    row.dataset.side = side || "";
    wirePicker(row);
    row.querySelector(".xz-remove").addEventListener("click", () => {
      row.remove();
      numberRows();
      totals();
    });
    row.querySelectorAll(".xz-amount").forEach((input) => input.addEventListener("input", totals));
    numberRows();
    return row;
  }

  function numberRows() {
    body.querySelectorAll("tr.xz-line").forEach((row, index) => {
      row.querySelector("td").dataset.field = `lines.${index + 1}`;
    });
  }

  function resetLines() {
    body.textContent = "";
    const rows = kindRows[kind()] || [];
    rows.forEach(([side, hint]) => addLine(side, hint));
    for (let i = rows.length; i < LINE_ROWS; i += 1) addLine("", "");
    totals();
  }

  function amount(text) {
    const value = Number(String(text).replace(/[,，\s]/g, ""));
    return Number.isFinite(value) ? value : 0;
  }

  function totals() {
    let debit = 0;
    let credit = 0;
    body.querySelectorAll("tr.xz-line").forEach((row) => {
      debit += amount(row.querySelector("[name=debit]").value);
      credit += amount(row.querySelector("[name=credit]").value);
    });
    const fmt = (n) => n.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    form.querySelector(".xz-total-debit").textContent = fmt(debit);
    form.querySelector(".xz-total-credit").textContent = fmt(credit);
  }

  // -- the account picker ------------------------------------------------------------------
  function wirePicker(row) {
    const input = row.querySelector(".xz-account");
    const list = row.querySelector(".xz-picks");
    const name = row.querySelector(".xz-account-name");
    let timer = null;
    let asked = 0;

    function choose(item) {
      // the accountant sees the code and the Chinese name; the account goes into the ledger
      input.value = `${item.code} ${item.name}`;
      row.dataset.account = item.account;
      name.textContent = item.path;
      list.hidden = true;
    }

    input.addEventListener("input", () => {
      name.textContent = "";
      delete row.dataset.account;
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const query = input.value.trim();
        if (!query) {
          list.hidden = true;
          return;
        }
        const mine = ++asked;
        const found = await api.get("accounts", { q: query });
        if (mine !== asked) return;
        list.textContent = "";
        for (const item of found) {
          const li = document.createElement("li");
          li.textContent = `${item.code} ${item.name}`;
          const path = document.createElement("small");
          path.textContent = item.path;
          li.appendChild(path);
          li.dataset.account = item.account;
          li.addEventListener("mousedown", (event) => {
            event.preventDefault();
            choose(item);
          });
          list.appendChild(li);
        }
        if (!found.length) {
          const li = document.createElement("li");
          li.textContent = "没有找到匹配的科目";
          li.className = "xz-none";
          list.appendChild(li);
        }
        list.hidden = false;
        list.found = found;
      }, 150);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !list.hidden && list.found && list.found.length) {
        event.preventDefault();
        choose(list.found[0]);
      } else if (event.key === "Escape") {
        list.hidden = true;
      }
    });
    input.addEventListener("blur", () => {
      setTimeout(() => { list.hidden = true; }, 100);
    });
  }

  // -- values ----------------------------------------------------------------------------
  function values() {
    const meta = {};
    form.querySelectorAll("[name^='meta.']").forEach((input) => {
      meta[input.name.slice(5)] = input.value;
    });
    const lines = [...body.querySelectorAll("tr.xz-line")].map((row) => ({
      account: row.dataset.account || row.querySelector("[name=account]").value,
      debit: row.querySelector("[name=debit]").value,
      credit: row.querySelector("[name=credit]").value,
    }));
    return {
      kind: kind(),
      date: dateInput.value,
      voucher: numberInput.value,
      flag: form.querySelector("[name=flag]").value,
      payee: form.querySelector("[name=payee]").value,
      narration: form.querySelector("[name=narration]").value,
      lines,
      meta,
    };
  }

  // -- answers ---------------------------------------------------------------------------
  function clearProblems() {
    form.querySelectorAll(".xz-problem").forEach((p) => p.remove());
    others.hidden = true;
    others.querySelector("ul").textContent = "";
  }

  function showProblems(problems) {
    clearProblems();
    for (const problem of problems) {
      const p = document.createElement("p");
      p.className = problem.warning ? "xz-problem xz-warning" : "xz-problem";
      p.textContent = (problem.warning ? "预警：" : "") + problem.message;
      if (problem.field === "other") {
        const li = document.createElement("li");
        li.className = p.className;
        li.textContent = `${problem.where} ${p.textContent}`;
        others.querySelector("ul").appendChild(li);
        others.hidden = false;
        continue;
      }
      const box = form.querySelector(`[data-field="${CSS.escape(problem.field)}"]`)
        || form.querySelector('[data-field="form"]');
      box.appendChild(p);
    }
  }

  function showAnswer(answer) {
    showProblems(answer.problems || []);
    if (answer.text) {
      preview.hidden = false;
      where.hidden = false;
      where.querySelector(".xz-file").textContent = answer.file;
      preview.querySelector(".xz-draft").textContent = answer.text;
    } else {
      preview.hidden = true;
      where.hidden = true;
    }
    const errors = (answer.problems || []).filter((p) => !p.warning).length;
    status.className = "xz-status" + (errors ? "" : " xz-ok");
    status.textContent = errors ? `检查发现 ${errors} 个问题，请改正后再保存。` : "检查通过，可以保存。";
  }

  async function ask(endpoint, body) {
    try {
      return await api.post(endpoint, body);
    } catch (error) {
      status.className = "xz-status xz-problem";
      status.textContent = "服务器没有正常答复（Fava 以只读方式运行时不能保存），请稍后重试。";
      return null;
    }
  }

  async function runCheck() {
    status.className = "xz-status";
    status.textContent = "正在按账本规则检查……";
    const answer = await ask("check", values());
    if (!answer) return null;
    checked = answer;
    showAnswer(answer);
    return answer;
  }

  let busy = false;

  async function runSave() {
    if (busy) return;
    busy = true;
    const saveButton = form.querySelector(".xz-save");
    saveButton.disabled = true;
    try {
      await saveOnce();
    } finally {
      busy = false;
      saveButton.disabled = !newButton.hidden;
    }
  }

  async function saveOnce() {
    let answer = checked && checked.ok ? checked : await runCheck();
    if (!answer || !answer.ok) return;
    status.textContent = "正在保存……";
    answer = await ask("save", { form: values(), sha256: answer.sha256 });
    checked = null;
    if (!answer) return;
    if (!answer.saved) {
      showAnswer(answer);
      return;
    }
    clearProblems();
    status.className = "xz-status xz-ok xz-saved";
    status.textContent = `已保存凭证 ${answer.voucher}，写入 ${answer.file}。`;
    form.dataset.next = answer.next;
    newButton.hidden = false;
  }

  function newVoucher() {
    form.querySelectorAll("input:not([type=radio]):not(#xz-date), select").forEach((input) => {
      input.value = input.tagName === "SELECT" ? input.options[0].value : "";
    });
    numberInput.value = form.dataset.next || "";
    numberInput.dataset.auto = "1";
    resetLines();
    clearProblems();
    preview.hidden = true;
    where.hidden = true;
    status.textContent = "";
    newButton.hidden = true;
    form.querySelector(".xz-save").disabled = false;
    checked = null;
  }

  // -- wiring ----------------------------------------------------------------------------
  form.addEventListener("input", (event) => {
    checked = null; // any change asks for a new check before saving
    if (event.target === numberInput) numberInput.dataset.auto = "";
  });
  form.querySelectorAll("input[name=kind]").forEach((radio) => radio.addEventListener("change", () => {
    const empty = [...body.querySelectorAll("input")].every((input) => !input.value);
    if (empty) resetLines();
  }));
  let dateTimer = null;
  dateInput.addEventListener("input", () => {
    clearTimeout(dateTimer);
    dateTimer = setTimeout(async () => {
      const day = dateInput.value.trim();
      if (!numberInput.dataset.auto || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
      const answer = await api.get("number", { date: day });
      if (numberInput.dataset.auto && dateInput.value.trim() === day) numberInput.value = answer.voucher;
    }, 200);
  });
  form.querySelector(".xz-add").addEventListener("click", () => addLine("", ""));
  form.querySelector(".xz-check").addEventListener("click", runCheck);
  form.querySelector(".xz-save").addEventListener("click", runSave);
  newButton.addEventListener("click", newVoucher);
  form.addEventListener("submit", (event) => event.preventDefault());
  resetLines();
}

export default {
  onExtensionPageLoad(context) {
    setup(context.api);
  },
};
