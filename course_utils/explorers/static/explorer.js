export default { render({ model, el }) { el.textContent = "explorer front end: to be written"; } };
