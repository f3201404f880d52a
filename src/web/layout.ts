/** The page frame: skip link, header navigation, main landmark, and the one stylesheet (inline). */
import { html, type Html } from './html.js';

const STYLE = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --link:#0349b4; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible { outline:3px solid #0349b4; outline-offset:2px; }
.skip { position:absolute; left:-999px; top:0; background:#fff; padding:.5em; }
.skip:focus { left:.5em; }
header { display:flex; gap:1.5em; align-items:center; padding:.75em 1.5em; border-bottom:1px solid var(--line); flex-wrap:wrap; }
header nav ul { list-style:none; display:flex; gap:1em; margin:0; padding:0; flex-wrap:wrap; }
header .brand { font-weight:700; color:var(--fg); text-decoration:none; }
main { padding:1em 1.5em 3em; max-width:1400px; }
h1 { font-size:1.5em; margin:.5em 0; } h2 { font-size:1.2em; margin:1.5em 0 .5em; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(190px,1fr)); gap:.75em; }
.card { border:1px solid var(--line); border-radius:6px; padding:.75em 1em; }
.card .n { font-size:1.6em; font-weight:700; display:block; }
.muted { color:var(--muted); }
table { border-collapse:collapse; margin:.5em 0; }
th, td { border-bottom:1px solid var(--line); padding:.35em .6em; text-align:left; vertical-align:top; }
th { font-weight:600; }
.num { text-align:right; font-variant-numeric:tabular-nums; }
.st { display:inline-block; min-width:1.8em; padding:0 .4em; border-radius:4px; font-weight:600; text-align:center; }
.st-pass { background:#1a7f37; color:#fff; } .st-fail { background:#b42318; color:#fff; }
.st-overdue { background:#6e0a12; color:#fff; } .st-exempt { background:#6639ba; color:#fff; }
.st-error { background:#7d4e00; color:#fff; } .st-unchecked { background:#eaeef2; color:#1f2328; }
.st-not-applicable { background:#f6f8fa; color:#424a53; } .st-due { background:#fff1c2; color:#5c3c00; }
.heat { font-size:13px; } .heat td { padding:2px; border:1px solid #fff; text-align:center; }
.heat th.rule { writing-mode:vertical-rl; transform:rotate(180deg); white-space:nowrap; font-weight:500; max-height:16em; overflow:hidden; }
.legend { display:flex; gap:.75em; flex-wrap:wrap; list-style:none; padding:0; }
form.login { display:grid; gap:.5em; max-width:28em; }
input[type=password], input[type=text] { font:inherit; padding:.4em; border:1px solid #6e7781; border-radius:4px; }
button { font:inherit; padding:.4em 1em; border:1px solid #1f2328; background:#1f2328; color:#fff; border-radius:4px; cursor:pointer; }
.inline { display:inline; }
pre { white-space:pre-wrap; background:#f6f8fa; padding:.5em; border-radius:4px; font-size:13px; }
.sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
`;

export interface LayoutOptions {
  title: string;
  /** Shown in the header when a token session is active. */
  user?: string | null;
  body: Html;
}

export function layout(o: LayoutOptions): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title} · steering</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <a class="brand" href="/">steering</a>
          <nav aria-label="Main">
            <ul>
              <li><a href="/">Fleet</a></li>
              <li><a href="/heatmap">Heat map</a></li>
              <li><a href="/rollouts">Rollouts</a></li>
            </ul>
          </nav>
          ${
            o.user
              ? html`<form class="inline" method="post" action="/logout">
                  <span class="muted">${o.user}</span> <button type="submit">Log out</button>
                </form>`
              : html`<a href="/login">Log in</a>`
          }
        </header>
        <main id="main" tabindex="-1">${o.body}</main>
      </body>
    </html> `.text;
}
