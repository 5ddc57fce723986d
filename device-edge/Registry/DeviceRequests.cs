namespace Facade.DeviceEdge.Registry;

/// <summary><c>POST /devices</c>. Without an id the device gets a generated one.</summary>
internal sealed record CreateDeviceRequest(string? Id, string? Name, string? Type, List<string?>? Tags, string? FirmwareVersion)
{
    public string? Check() =>
        Id is not null && !DeviceId.IsValid(Id) ? $"'id' must match {DeviceId.Rule}."
        : DeviceRules.CheckName(Name) ?? DeviceRules.CheckType(Type) ?? DeviceRules.CheckTags(Tags) ?? DeviceRules.CheckFirmware(FirmwareVersion);
}

/// <summary><c>PATCH /devices/{id}</c>: absent fields stay; an empty <c>firmwareVersion</c> clears it.</summary>
internal sealed record UpdateDeviceRequest(string? Name, List<string?>? Tags, string? FirmwareVersion)
{
    public string? Check() =>
        Name is null && Tags is null && FirmwareVersion is null ? "Nothing to change: send 'name', 'tags' or 'firmwareVersion'."
        : (Name is null ? null : DeviceRules.CheckName(Name)) ?? DeviceRules.CheckTags(Tags) ?? DeviceRules.CheckFirmware(FirmwareVersion);
}

/// <summary><c>PUT /devices/{id}/shares/{userId}</c>.</summary>
internal sealed record ShareRequest(string? Access)
{
    public ShareAccess? Parse() => Access switch
    {
        "read" => ShareAccess.Read,
        "control" => ShareAccess.Control,
        _ => null,
    };
}
