/* Signature pads: draw with a finger, a stylus or a mouse; the drawing goes into the hidden input
   named by data-signature-input as a PNG data URL when the form is submitted. */
(function () {
  function setUp(canvas) {
    var input = document.getElementById(canvas.dataset.signatureInput);
    var context = canvas.getContext("2d");
    var drawing = false, drawn = false;
    function resize() {
      var ratio = window.devicePixelRatio || 1;
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      context.scale(ratio, ratio);
      context.lineWidth = 2;
      context.lineCap = "round";
      context.strokeStyle = "#111";
    }
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    var clear = document.querySelector('[data-signature-clear="' + canvas.id + '"]');
    if (clear) clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      input.value = "";
    });
    canvas.closest("form").addEventListener("submit", function () {
      if (drawn) input.value = canvas.toDataURL("image/png");
    });
    resize();
  }
  document.querySelectorAll("canvas[data-signature-input]").forEach(setUp);
})();
