// A list of coded problems, as every validator of handoffkit reports them. Text only: values from
// the checked input never reach innerHTML.
export function renderProblems(list, problems) {
  list.replaceChildren(
    ...problems.map((p) => {
      const li = document.createElement('li');
      const code = document.createElement('span');
      code.className = `code ${p.severity}`;
      code.textContent = `${p.severity.toUpperCase()} ${p.code}`;
      li.append(code, ` ${p.path ? `${p.path}: ` : ''}${p.message}`);
      return li;
    }),
  );
}
