// Evidence uploads (tus 1.0, resumable), from a static file: the Content-Security-Policy allows no inline script.
(function () {
  const input = document.getElementById("av-file");
  const endpoint = input.dataset.endpoint;
  const csrf = input.dataset.csrf;
  const list = document.getElementById("av-uploads");
  const HASH_LIMIT = 256 * 1024 * 1024;  // larger files are hashed by the server alone

  async function sha256(file) {
    if (!window.crypto || !crypto.subtle || file.size > HASH_LIMIT) return "";
    const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
    return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  function row(file) {
    const div = document.createElement("div");
    div.className = "mb-3";
    div.innerHTML = '<div class="d-flex justify-content-between small"><span class="name"></span><span class="state">准备中</span></div>' +
      '<div class="progress mt-1"><div class="progress-bar" role="progressbar" aria-valuemin="0" aria-valuemax="100"></div></div>';
    div.querySelector(".name").textContent = file.name;
    list.appendChild(div);
    return div;
  }

  async function send(file) {
    const div = row(file);
    const bar = div.querySelector(".progress-bar"), state = div.querySelector(".state");
    const metadata = { filename: file.name, filetype: file.type || "application/octet-stream" };
    const hash = await sha256(file);
    if (hash) metadata.sha256 = hash;
    const upload = new tus.Upload(file, {
      endpoint: endpoint,
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      headers: { "X-CSRFToken": csrf },
      metadata: metadata,
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) {
        const pct = total ? Math.floor((sent / total) * 100) : 100;
        bar.style.width = pct + "%";
        bar.setAttribute("aria-valuenow", pct);
        state.textContent = pct + "%";
      },
      onError: function (error) {
        bar.classList.add("bg-danger");
        const body = error.originalResponse ? error.originalResponse.getBody() : "";
        state.textContent = "上传失败：" + (body || error.message);
        div.dataset.state = "error";
      },
      onSuccess: function () {
        bar.classList.add("bg-success");
        bar.style.width = "100%";
        state.textContent = "已存储并核对 SHA-256";
        div.dataset.state = "done";
      },
    });
    const previous = await upload.findPreviousUploads();
    if (previous.length) {
      upload.resumeFromPreviousUpload(previous[0]);
      state.textContent = "继续上次的上传";
    }
    upload.start();
  }

  input.addEventListener("change", function (event) {
    Array.from(event.target.files).forEach(send);
  });
})();
