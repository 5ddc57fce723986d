using System.Text.Json;
using Facade.McpAdapter.Agents;
using Facade.McpAdapter.Tests.Catalog;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>
/// The adapter's own check of a skills answer, beside the device edge's (which refuses such announcements, see
/// <see cref="AnnouncedSkillsTests.SkillsTheDeviceEdgeRefuses_AreNeverListed"/>): a skill the catalog could not have
/// declared is left out, the rest are tools answered on the agent's channel.
/// </summary>
public sealed class AnnouncedSkillReaderTests
{
    [Fact]
    public void SkillsWithABadNameOrANonObjectSchema_AreLeftOut_TheOthersBecomeChannelTools()
    {
        var source = CatalogTestFiles.LoadShipped().Agents["research"].View.AnnouncedSkills!;
        using var answer = JsonDocument.Parse("""
            {"version":3,"online":true,"skills":[
              {"name":"translate","description":"Translate a text.","inputSchema":{"type":"object"},"scopes":["agents:invoke"]},
              {"name":"bad name!","description":"Not a tool name."},
              {"name":"broken","inputSchema":{"type":"array"}},
              {"name":"translate","description":"A repeat."}]}
            """);
        var skipped = new List<string>();

        var tools = AnnouncedSkillReader.Read(source, answer.RootElement, skipped);

        var tool = Assert.Single(tools);
        Assert.Equal(("translate", "Translate a text."), (tool.Name, tool.Description));
        Assert.Equal(["agents:invoke"], tool.Scopes);
        Assert.Equal("/agents/research/calls", tool.Call.Path.Text);
        Assert.Equal(2, skipped.Count);
    }
}
