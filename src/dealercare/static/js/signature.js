// A signature pad: what the customer draws on the canvas goes into the hidden field
// (data-signature) as a PNG data: URL when the form is sent.
(function () {
  const canvas = document.getElementById("signature-pad");
  const field = document.querySelector("input[data-signature]");
  if (!canvas || !field) return;
  const pen = canvas.getContext("2d");
  pen.lineWidth = 2;
  pen.lineCap = "round";
  let drawing = false;
  let drawn = false;
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) * canvas.width) / box.width,
      ((event.clientY - box.top) * canvas.height) / box.height,
    ];
  };
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    pen.beginPath();
    pen.moveTo(...point(event));
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    pen.lineTo(...point(event));
    pen.stroke();
    drawn = true;
  });
  canvas.addEventListener("pointerup", () => {
    drawing = false;
    if (drawn) field.value = canvas.toDataURL("image/png");
  });
  document.querySelector("[data-signature-clear]")?.addEventListener("click", () => {
    pen.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
    drawn = false;
  });
})();
