/**
 * The API explorer at /docs: one self-contained page (no CDN, works offline) that reads /openapi.json, lists the
 * operations, and sends requests with the API key typed in (kept in sessionStorage for the tab only). Text from the
 * document and from responses is only ever set as textContent, never parsed as HTML.
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sleuth API explorer</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d2330; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header input { width: 420px; max-width: 80vw; padding: 6px 8px; border-radius: 4px; border: 0; font-family: monospace; }
  main { max-width: 1100px; margin: 0 auto; padding: 16px 20px 60px; }
  h2 { margin: 28px 0 8px; text-transform: capitalize; }
  details { background: #fff; border: 1px solid #dfe3ea; border-radius: 6px; margin: 8px 0; }
  summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 12px; align-items: baseline; }
  .method { font: 700 12px monospace; text-transform: uppercase; width: 56px; }
  .get { color: #1769aa; } .post { color: #1b7f3b; } .delete { color: #b3261e; }
  .path { font-family: monospace; }
  .op { padding: 4px 14px 14px; }
  label { display: block; margin: 8px 0 2px; font-weight: 600; }
  input.param { width: 320px; padding: 4px 6px; font-family: monospace; }
  textarea { width: 100%; min-height: 110px; font-family: monospace; }
  button { margin-top: 10px; padding: 6px 14px; border-radius: 4px; border: 1px solid #1d2330; background: #1d2330; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #1d2330; }
  pre { background: #10141c; color: #e6e9ef; padding: 10px; border-radius: 4px; overflow: auto; max-height: 480px; white-space: pre-wrap; }
  .muted { color: #5b6475; }
</style>
</head>
<body>
<header>
  <h1>Sleuth API</h1>
  <label for="key" style="margin:0;font-weight:400">API key</label>
  <input id="key" type="password" autocomplete="off" placeholder="slk_... (sleuth api-key create NAME)">
  <span id="version" class="muted"></span>
</header>
<main>
  <p id="intro" class="muted">Loading /openapi.json ...</p>
  <div id="ops"></div>
</main>
<script>
(function () {
  'use strict';
  var keyInput = document.getElementById('key');
  keyInput.value = sessionStorage.getItem('sleuth-api-key') || '';
  keyInput.addEventListener('input', function () { sessionStorage.setItem('sleuth-api-key', keyInput.value); });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function sample(schema) {
    if (!schema || typeof schema !== 'object') return null;
    if (schema['default'] !== undefined) return schema['default'];
    if (schema.anyOf) return sample(schema.anyOf[0]);
    switch (schema.type) {
      case 'object':
        var out = {};
        var props = schema.properties || {};
        var keys = schema.required && schema.required.length ? schema.required : Object.keys(props);
        keys.forEach(function (k) { out[k] = sample(props[k]); });
        return out;
      case 'array': return [];
      case 'integer': case 'number': return 0;
      case 'boolean': return false;
      case 'string': return '';
      default: return null;
    }
  }

  async function send(method, path, params, body, output, stopButton) {
    var url = path.replace(/\\{([^}]+)\\}/g, function (_, name) { return encodeURIComponent(params.path[name] || ''); });
    var query = new URLSearchParams();
    Object.keys(params.query).forEach(function (k) { if (params.query[k] !== '') query.set(k, params.query[k]); });
    if (query.toString()) url += '?' + query.toString();
    var headers = {};
    if (keyInput.value) headers['authorization'] = 'Bearer ' + keyInput.value.trim();
    Object.keys(params.header).forEach(function (k) { if (params.header[k] !== '') headers[k] = params.header[k]; });
    if (body !== undefined) headers['content-type'] = 'application/json';
    var controller = new AbortController();
    stopButton.hidden = false;
    stopButton.onclick = function () { controller.abort(); };
    output.textContent = method.toUpperCase() + ' ' + url + '\\n';
    try {
      var response = await fetch(url, { method: method.toUpperCase(), headers: headers, body: body, signal: controller.signal });
      output.textContent += response.status + ' ' + response.statusText + '\\n\\n';
      var type = response.headers.get('content-type') || '';
      if (type.indexOf('text/event-stream') === 0 && response.body) {
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        for (;;) {
          var chunk = await reader.read();
          if (chunk.done) break;
          output.textContent += decoder.decode(chunk.value, { stream: true });
          output.scrollTop = output.scrollHeight;
        }
      } else {
        var text = await response.text();
        try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
        output.textContent += text;
      }
    } catch (error) {
      output.textContent += String(error);
    } finally {
      stopButton.hidden = true;
    }
  }

  function operationView(path, method, op) {
    var details = el('details');
    var summary = el('summary');
    summary.appendChild(el('span', { 'class': 'method ' + method }, method));
    summary.appendChild(el('span', { 'class': 'path' }, path));
    summary.appendChild(el('span', { 'class': 'muted' }, op.summary || ''));
    details.appendChild(summary);
    var box = el('div', { 'class': 'op' });
    if (op.description) box.appendChild(el('p', null, op.description));
    if (path.indexOf('/ws/') === 0) {
      box.appendChild(el('p', { 'class': 'muted' }, 'WebSocket endpoint: connect with a WebSocket client (see the description); it cannot be tried from this page.'));
      details.appendChild(box);
      return details;
    }
    var inputs = { path: {}, query: {}, header: {} };
    (op.parameters || []).forEach(function (p) {
      box.appendChild(el('label', null, p.name + ' (' + p['in'] + (p.required ? ', required' : '') + ')'));
      var input = el('input', { 'class': 'param', placeholder: p.description || '' });
      input.addEventListener('input', function () { inputs[p['in']][p.name] = input.value; });
      inputs[p['in']][p.name] = '';
      box.appendChild(input);
    });
    var textarea;
    if (op.requestBody) {
      var schema = op.requestBody.content['application/json'].schema;
      box.appendChild(el('label', null, 'JSON body'));
      textarea = el('textarea');
      textarea.value = JSON.stringify(sample(schema), null, 2);
      box.appendChild(textarea);
    }
    var button = el('button', null, 'Send');
    var stop = el('button', { 'class': 'secondary' }, 'Stop');
    stop.hidden = true;
    var output = el('pre');
    output.hidden = true;
    button.addEventListener('click', function () {
      output.hidden = false;
      send(method, path, inputs, textarea ? textarea.value : undefined, output, stop);
    });
    box.appendChild(button);
    box.appendChild(document.createTextNode(' '));
    box.appendChild(stop);
    box.appendChild(output);
    details.appendChild(box);
    return details;
  }

  fetch('/openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
    document.getElementById('version').textContent = 'v' + doc.info.version;
    document.getElementById('intro').textContent = doc.info.description;
    var byTag = {};
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var tag = (op.tags && op.tags[0]) || 'other';
        (byTag[tag] = byTag[tag] || []).push(operationView(path, method, op));
      });
    });
    var ops = document.getElementById('ops');
    (doc.tags || []).map(function (t) { return t.name; }).concat(Object.keys(byTag)).forEach(function (tag) {
      if (!byTag[tag]) return;
      ops.appendChild(el('h2', null, tag));
      byTag[tag].forEach(function (node) { ops.appendChild(node); });
      delete byTag[tag];
    });
  }).catch(function (error) {
    document.getElementById('intro').textContent = 'Could not load /openapi.json: ' + error;
  });
})();
</script>
</body>
</html>
`;
