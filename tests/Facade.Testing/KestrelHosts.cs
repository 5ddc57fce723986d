using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Testing;

/// <summary>Starting a test host on real Kestrel (the hosts call <c>UseKestrel()</c>): the server, or nothing left behind.</summary>
public static class KestrelHosts
{
    /// <summary>Starts <paramref name="host"/> (disposed again when it fails to start) and returns its first address, ending in '/'.</summary>
    public static Uri Start<TEntryPoint>(WebApplicationFactory<TEntryPoint> host)
        where TEntryPoint : class
    {
        try
        {
            host.StartServer();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
