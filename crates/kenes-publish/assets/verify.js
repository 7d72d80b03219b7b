// kenes verify.html: checks a publication's signatures (Ed25519, ZIP-215
// rules, as kenes signs) and its files' BLAKE3 hashes in the browser.
// Written for kenes from the specifications (RFC 8032, FIPS 180-4, BLAKE3);
// no network, no library. BigInt arithmetic: slow but small, and the
// messages are a few kilobytes.
"use strict";
(function () {
  const M64 = (1n << 64n) - 1n;
  function icbrt(n) { let x = 1n << BigInt(Math.ceil(n.toString(2).length / 3)); for (;;) { const y = (2n * x + n / (x * x)) / 3n; if (y >= x) return x; x = y; } }
  function isqrt(n) { let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2)); for (;;) { const y = (x + n / x) / 2n; if (y >= x) return x; x = y; } }
  const PRIMES = [];
  for (let n = 2; PRIMES.length < 80; n++) if (PRIMES.every(p => n % p)) PRIMES.push(n);
  // SHA-512's constants by their definition: fractional parts of cube and square roots of primes.
  const K = PRIMES.map(p => icbrt(BigInt(p) << 192n) & M64);
  const H0 = PRIMES.slice(0, 8).map(p => isqrt(BigInt(p) << 128n) & M64);
  const rotr = (x, n) => ((x >> n) | (x << (64n - n))) & M64;
  function sha512(msg) {
    const len = msg.length, padded = new Uint8Array(Math.ceil((len + 17) / 128) * 128);
    padded.set(msg); padded[len] = 0x80;
    const bits = BigInt(len) * 8n;
    for (let i = 0; i < 16; i++) padded[padded.length - 1 - i] = Number((bits >> BigInt(8 * i)) & 255n);
    const h = H0.slice(), w = new Array(80);
    for (let off = 0; off < padded.length; off += 128) {
      for (let t = 0; t < 16; t++) { let v = 0n; for (let j = 0; j < 8; j++) v = (v << 8n) | BigInt(padded[off + 8 * t + j]); w[t] = v; }
      for (let t = 16; t < 80; t++) {
        const s0 = rotr(w[t - 15], 1n) ^ rotr(w[t - 15], 8n) ^ (w[t - 15] >> 7n);
        const s1 = rotr(w[t - 2], 19n) ^ rotr(w[t - 2], 61n) ^ (w[t - 2] >> 6n);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) & M64;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let t = 0; t < 80; t++) {
        const t1 = (hh + (rotr(e, 14n) ^ rotr(e, 18n) ^ rotr(e, 41n)) + ((e & f) ^ (~e & M64 & g)) + K[t] + w[t]) & M64;
        const t2 = ((rotr(a, 28n) ^ rotr(a, 34n) ^ rotr(a, 39n)) + ((a & b) ^ (a & c) ^ (b & c))) & M64;
        hh = g; g = f; f = e; e = (d + t1) & M64; d = c; c = b; b = a; a = (t1 + t2) & M64;
      }
      [a, b, c, d, e, f, g, hh].forEach((v, i) => { h[i] = (h[i] + v) & M64; });
    }
    const out = new Uint8Array(64);
    h.forEach((v, i) => { for (let j = 0; j < 8; j++) out[8 * i + j] = Number((v >> BigInt(56 - 8 * j)) & 255n); });
    return out;
  }

  // Ed25519 over GF(2^255 - 19), extended coordinates.
  const P = (1n << 255n) - 19n, L = (1n << 252n) + 27742317777372353535851937790883648493n;
  const mod = a => { const r = a % P; return r < 0n ? r + P : r; };
  function pow(b, e) { let r = 1n; b = mod(b); while (e > 0n) { if (e & 1n) r = mod(r * b); b = mod(b * b); e >>= 1n; } return r; }
  const inv = a => pow(a, P - 2n);
  const D = mod(-121665n * inv(121666n)), D2 = mod(2n * D), SQRT_M1 = pow(2n, (P - 1n) / 4n);
  const BY = mod(4n * inv(5n));
  function add(p, q) {
    const a = mod((p[1] - p[0]) * (q[1] - q[0])), b = mod((p[1] + p[0]) * (q[1] + q[0]));
    const c = mod(p[3] * D2 * q[3]), d = mod(2n * p[2] * q[2]);
    const e = b - a, f = d - c, g = d + c, h = b + a;
    return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
  }
  function mul(s, p) { let r = [0n, 1n, 1n, 0n]; for (let i = BigInt(s.toString(2).length) - 1n; i >= 0n; i--) { r = add(r, r); if ((s >> i) & 1n) r = add(r, p); } return r; }
  const neg = p => [mod(-p[0]), p[1], p[2], mod(-p[3])];
  const isIdentity = p => p[0] === 0n && p[1] === p[2];
  const le = bytes => { let v = 0n; for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]); return v; };
  // ZIP-215 decoding: y need not be reduced, and x = 0 with the sign bit set is accepted.
  function decode(bytes) {
    const sign = bytes[31] >> 7, copy = bytes.slice(); copy[31] &= 127;
    const y = mod(le(copy)), u = mod(y * y - 1n), v = mod(D * y * y + 1n);
    let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
    if (mod(v * x * x) !== u) { if (mod(v * x * x) === mod(-u)) x = mod(x * SQRT_M1); else return null; }
    if (Number(x & 1n) !== sign) x = mod(-x);
    return [x, y, 1n, mod(x * y)];
  }
  const BX = (() => { const enc = new Uint8Array(32); let y = BY; for (let i = 0; i < 32; i++) { enc[i] = Number(y & 255n); y >>= 8n; } return decode(enc); })();
  function ed25519Verify(key, msg, sig) {
    if (key.length !== 32 || sig.length !== 64) return false;
    const a = decode(key), r = decode(sig.slice(0, 32)), s = le(sig.slice(32));
    if (!a || !r || s >= L) return false;
    if (isIdentity(mul(8n, a))) return false; // small-order keys: anyone can forge
    const k = le(sha512(concat([sig.slice(0, 32), key, msg]))) % L;
    return isIdentity(mul(8n, add(add(mul(s, BX), neg(mul(k, a))), neg(r))));
  }

  // BLAKE3, unkeyed, 32-byte output.
  const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const PERM = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
  const r32 = (x, n) => (x >>> n) | (x << (32 - n));
  function g(s, a, b, c, d, x, y) {
    s[a] = (s[a] + s[b] + x) | 0; s[d] = r32(s[d] ^ s[a], 16); s[c] = (s[c] + s[d]) | 0; s[b] = r32(s[b] ^ s[c], 12);
    s[a] = (s[a] + s[b] + y) | 0; s[d] = r32(s[d] ^ s[a], 8); s[c] = (s[c] + s[d]) | 0; s[b] = r32(s[b] ^ s[c], 7);
  }
  function compress(cv, m, counter, len, flags) {
    const s = [...cv, IV[0], IV[1], IV[2], IV[3], counter >>> 0, Math.floor(counter / 4294967296), len, flags];
    for (let round = 0; round < 7; round++) {
      g(s, 0, 4, 8, 12, m[0], m[1]); g(s, 1, 5, 9, 13, m[2], m[3]); g(s, 2, 6, 10, 14, m[4], m[5]); g(s, 3, 7, 11, 15, m[6], m[7]);
      g(s, 0, 5, 10, 15, m[8], m[9]); g(s, 1, 6, 11, 12, m[10], m[11]); g(s, 2, 7, 8, 13, m[12], m[13]); g(s, 3, 4, 9, 14, m[14], m[15]);
      m = PERM.map(i => m[i]);
    }
    return s.slice(0, 8).map((v, i) => (v ^ s[i + 8]) >>> 0);
  }
  function words(bytes, off, len) { const w = new Array(16).fill(0); for (let i = 0; i < len; i++) w[i >> 2] |= bytes[off + i] << (8 * (i & 3)); return w.map(x => x >>> 0); }
  function blake3(bytes) {
    const chunks = Math.max(1, Math.ceil(bytes.length / 1024)), stack = [];
    let out = null;
    for (let c = 0; c < chunks; c++) {
      const start = c * 1024, end = Math.min(bytes.length, start + 1024), blocks = Math.max(1, Math.ceil((end - start) / 64));
      let cv = IV;
      for (let b = 0; b < blocks; b++) {
        const off = start + 64 * b, len = Math.min(64, end - off);
        const flags = (b === 0 ? 1 : 0) | (b === blocks - 1 ? 2 : 0);
        if (b === blocks - 1) out = { cv, m: words(bytes, off, len), len, flags, counter: c };
        else cv = compress(cv, words(bytes, off, len), c, len, flags);
      }
      if (c < chunks - 1) {
        let v = compress(out.cv, out.m, c, out.len, out.flags), total = c + 1;
        while ((total & 1) === 0) { v = compress(IV, stack.pop().concat(v), 0, 64, 4); total >>= 1; }
        stack.push(v);
      }
    }
    while (stack.length) out = { cv: IV, m: stack.pop().concat(compress(out.cv, out.m, out.counter, out.len, out.flags)), len: 64, flags: 4, counter: 0 };
    const h = compress(out.cv, out.m, 0, out.len, out.flags | 8), res = new Uint8Array(32);
    h.forEach((v, i) => { for (let j = 0; j < 4; j++) res[4 * i + j] = (v >>> (8 * j)) & 255; });
    return res;
  }

  function concat(parts) { const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; }
  const hex = b => Array.from(b, x => x.toString(16).padStart(2, "0")).join("");
  function unhex(t) { if (typeof t !== "string" || !/^([0-9a-f]{2})*$/.test(t)) return null; const out = new Uint8Array(t.length / 2); for (let i = 0; i < out.length; i++) out[i] = parseInt(t.substr(2 * i, 2), 16); return out; }
  const utf8 = t => new TextEncoder().encode(t);
  const CONTEXT = utf8("kenes publication manifest v1\n");

  // A folder's chosen files, or one single-file publication.
  function parts(files) {
    if (files["manifest.json"]) {
      const rest = Object.assign({}, files);
      delete rest["manifest.json"]; delete rest["signatures.json"];
      return { manifest: files["manifest.json"], signatures: files["signatures.json"] || utf8("{}"), files: rest };
    }
    for (const bytes of Object.values(files)) {
      const text = new TextDecoder().decode(bytes), open = '\x3cscript type="application/json" id="kenes-publication">';
      const at = text.indexOf(open);
      if (at < 0) continue;
      const body = text.slice(at + open.length, text.indexOf("\x3c/script>", at));
      try {
        const e = JSON.parse(body), out = {};
        for (const [k, v] of Object.entries(e.files)) out[k] = utf8(v);
        return { manifest: utf8(e.manifest), signatures: utf8(e.signatures), files: out };
      } catch (_) { return null; }
    }
    return null;
  }

  function check(files) {
    const p = parts(files), lines = [];
    if (!p) return { ok: false, lines: [["bad", "no-manifest", ""]] };
    let manifest, sigs;
    try { manifest = JSON.parse(new TextDecoder().decode(p.manifest)); sigs = JSON.parse(new TextDecoder().decode(p.signatures)); } catch (_) { return { ok: false, lines: [["bad", "no-manifest", ""]] }; }
    let ok = Array.isArray(sigs.signatures) && sigs.signatures.length > 0 && Array.isArray(manifest.files);
    const message = concat([CONTEXT, p.manifest]);
    for (const s of (sigs.signatures || [])) {
      const key = unhex(s.key), sig = unhex(s.signature);
      const good = !!key && !!sig && ed25519Verify(key, message, sig);
      ok = ok && good;
      lines.push([good ? "ok" : "bad", good ? "ok" : "bad", String(s.key)]);
    }
    for (const f of (manifest.files || [])) {
      const bytes = p.files[f.path];
      if (!bytes) { lines.push(["", "file-missing", String(f.path)]); continue; }
      const good = bytes.length === f.size && hex(blake3(bytes)) === f.blake3;
      ok = ok && good;
      lines.push([good ? "ok" : "bad", good ? "file-ok" : "file-bad", String(f.path)]);
    }
    return { ok, lines };
  }

  window.kenesVerify = { sha512: b => hex(sha512(b)), blake3: b => hex(blake3(b)), ed25519: ed25519Verify, unhex, check };
  const input = document.getElementById("files"), result = document.getElementById("result");
  if (!input || !result) return;
  input.addEventListener("change", async () => {
    const files = {};
    for (const f of input.files) files[f.name] = new Uint8Array(await f.arrayBuffer());
    const { ok, lines } = check(files), say = document.body.dataset;
    result.textContent = "";
    const line = (cls, text) => { const d = document.createElement("div"); d.className = cls; d.textContent = text; result.appendChild(d); };
    line(ok ? "ok" : "bad", ok ? say.allOk : say.failed);
    const names = { "ok": "ok", "bad": "bad", "file-ok": "fileOk", "file-bad": "fileBad", "file-missing": "fileMissing", "no-manifest": "noManifest" };
    for (const [cls, msg, what] of lines) line(cls, msg === "ok" || msg === "bad" ? say[names[msg]] + " " + what : what + ": " + say[names[msg]]);
  });
})();
