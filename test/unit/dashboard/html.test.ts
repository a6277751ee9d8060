import { describe, expect, it } from "vitest";
import { escapeHtml, html, SafeHtml } from "../../../src/dashboard/html.js";

describe("the dashboard's escaping template", () => {
  it("escapes every interpolated string, in content and in attributes", () => {
    const name = `<img src=x onerror=alert(1)> " ' \` &`;
    expect(html`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;img src=x onerror=alert(1)&gt; &quot; &#39; &#96; &amp;">' +
        "&lt;img src=x onerror=alert(1)&gt; &quot; &#39; &#96; &amp;</td>",
    );
  });

  it("keeps nested templates as they are, joins arrays and drops null, undefined and false", () => {
    const rows = ["<a>", "b"].map((cell) => html`<li>${cell}</li>`);
    const list = html`<ul>
      ${rows}${null}${undefined}${false}${0}
    </ul>`.text;
    // Prettier may lay the template out over lines: compare without the whitespace between tags.
    expect(list.replace(/\s+/g, "")).toBe("<ul><li>&lt;a&gt;</li><li>b</li>0</ul>");
  });

  it("passes SafeHtml through untouched and escapes anything else", () => {
    expect(html`${new SafeHtml("<b>ok</b>")}`.text).toBe("<b>ok</b>");
    expect(escapeHtml("</script>")).toBe("&lt;/script&gt;");
  });
});
