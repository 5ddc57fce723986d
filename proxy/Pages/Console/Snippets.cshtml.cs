using Facade.Proxy.Hosting;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Facade.Proxy.Pages.Console;

/// <summary><c>/console/snippets</c>: client set-up with this instance's URL (<c>Facade:PublicUrl</c>).</summary>
internal sealed class SnippetsModel(PublicUrl publicUrl) : PageModel
{
    public string McpUrl => new Uri(publicUrl.Value, "mcp").AbsoluteUri;

    public IReadOnlyList<ClientSnippet> Snippets => ClientSnippets.For(publicUrl.Value);
}
