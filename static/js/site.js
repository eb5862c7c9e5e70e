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

// A chart wider than the screen opens scrolled to its newest month (its right end).
document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".chart-scroll").forEach((box) => {
        box.scrollLeft = box.scrollWidth;
    });
});
