using System.Net;

namespace Facade.Mocks.Tests;

public sealed class OrganizationsTests : LegacyApiTestBase
{
    [Fact]
    public async Task List_ReturnsSeededOrganizations()
    {
        using var response = await Client.GetAsync("/api/organizations", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var organizations = (await ReadJsonAsync(response)).EnumerateArray()
            .Select(o => (Id: Str(o, "id"), Name: Str(o, "name")))
            .ToArray();
        Assert.Equal([("org-1", "Acme"), ("org-2", "Globex"), ("org-3", "Initech")], organizations);
    }
}
