using System.ComponentModel.DataAnnotations;

namespace Facade.Mocks.LegacyApi.Hosting;

internal sealed class LegacyApiOptions
{
    public const string Section = "LegacyApi";

    /// <summary>TCP port on <see cref="BindAddress"/>; 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5030;

    /// <summary>The IP address to listen on: loopback unless the mock must be reached from elsewhere.</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";
}
