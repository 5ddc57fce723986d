namespace Facade.Proxy.Admin;

/// <summary>How a command prints what it found: <c>text</c> for people, <c>json</c> for scripts.</summary>
internal enum OutputFormat
{
    Text,
    Json,
}
