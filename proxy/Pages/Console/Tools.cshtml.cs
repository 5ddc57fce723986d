using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Facade.Proxy.Pages.Console;

/// <summary>
/// <c>/console/tools</c>: the page's script (wwwroot/console/assets/tools.js) lists the tools (<c>tools/list</c> on
/// <c>/mcp</c> with a first-party token), renders a form from the chosen tool's input schema and calls it.
/// </summary>
internal sealed class ToolsModel : PageModel
{
    public void OnGet()
    {
    }
}
