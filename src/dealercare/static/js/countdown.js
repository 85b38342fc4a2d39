// Keeps every <time class="countdown" data-due="…"> counting down (complaints' SLA clocks).
(function () {
  function span(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    return days ? days + "d " + hours + "h" : hours + "h " + mins + "m";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.countdown[data-due]").forEach(function (el) {
      var left = new Date(el.dataset.due).getTime() - now;
      var words = left < 0 ? el.dataset.late : el.dataset.left;
      el.textContent = words.replace("%(span)s", span(left));
      el.classList.toggle("late", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 6 * 3600000);
      el.classList.toggle("ok", left >= 6 * 3600000);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  setInterval(tick, 30000);
})();
