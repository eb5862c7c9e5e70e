// Close an open menu dropdown (<details class="dropdown">) on a click elsewhere or on Escape.
document.addEventListener("click", (event) => {
    document.querySelectorAll("details.dropdown[open]").forEach((dropdown) => {
        if (!dropdown.contains(event.target)) dropdown.removeAttribute("open");
    });
});
document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open]").forEach((dropdown) => {
        dropdown.removeAttribute("open");
        dropdown.querySelector("summary").focus();
    });
});
