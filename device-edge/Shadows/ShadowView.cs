using System.Text.Json;
using System.Text.Json.Nodes;

namespace Facade.DeviceEdge.Shadows;

/// <summary>
/// <c>GET /devices/{id}/shadow</c>: desired and reported state, the <see cref="Delta"/> (desired keys whose value the
/// device has not reported), both versions, and <see cref="InSync"/>: no delta, and the device reported the current
/// desired version.
/// </summary>
internal sealed record ShadowView(
    string DeviceId,
    JsonElement Desired,
    JsonElement Reported,
    JsonElement Delta,
    long DesiredVersion,
    long ReportedVersion,
    bool InSync,
    DateTimeOffset? DesiredAt,
    DateTimeOffset? ReportedAt)
{
    public static ShadowView Of(DeviceShadow shadow)
    {
        ArgumentNullException.ThrowIfNull(shadow);
        var delta = ShadowDocument.Delta(ShadowDocument.Parse(shadow.Desired), ShadowDocument.Parse(shadow.Reported));
        return new ShadowView(shadow.DeviceId, JsonElement.Parse(shadow.Desired), JsonElement.Parse(shadow.Reported),
            JsonElement.Parse(delta.ToJsonString()), shadow.DesiredVersion, shadow.ReportedVersion,
            delta.Count == 0 && shadow.ReportedVersion == shadow.DesiredVersion, shadow.DesiredAt, shadow.ReportedAt);
    }
}
