using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Facade.Proxy.Pages.Console;

/// <summary>
/// <c>/console/devices</c>: the page's script (wwwroot/console/assets/devices.js) lists the devices with a first-party
/// token through the edge (<c>GET /devices?include=latest</c>) and follows their telemetry on <c>/realtime</c>.
/// </summary>
internal sealed class DevicesModel : PageModel
{
    public void OnGet()
    {
    }
}
