// The customer's signature on the tablet: drawn on a canvas, kept as a PNG data URL in
// the hidden field named by data-signature-for.
document.querySelectorAll("[data-signature-for]").forEach((pad) => {
  const canvas = pad.querySelector("canvas");
  const field = document.getElementById(pad.dataset.signatureFor);
  const pen = canvas.getContext("2d");
  let drawing = false;
  pen.lineWidth = 2.5;
  pen.lineCap = "round";
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * (canvas.width / box.width),
            (event.clientY - box.top) * (canvas.height / box.height)];
  };
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    pen.beginPath();
    pen.moveTo(...point(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    pen.lineTo(...point(event));
    pen.stroke();
  });
  const finish = () => {
    if (!drawing) return;
    drawing = false;
    field.value = canvas.toDataURL("image/png");
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointerleave", finish);
  pad.querySelector("[data-signature-clear]").addEventListener("click", () => {
    pen.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
  });
});
