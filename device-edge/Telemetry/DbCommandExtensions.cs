using System.Data.Common;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>Parameters for the telemetry's plain SQL, which runs on SQLite and PostgreSQL alike (both take <c>@name</c>).</summary>
internal static class DbCommandExtensions
{
    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
