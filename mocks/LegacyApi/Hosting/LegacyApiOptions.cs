using System.ComponentModel.DataAnnotations;

namespace Facade.Mocks.LegacyApi.Hosting;

internal sealed class LegacyApiOptions
{
    public const string Section = "LegacyApi";

    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5030;
}
