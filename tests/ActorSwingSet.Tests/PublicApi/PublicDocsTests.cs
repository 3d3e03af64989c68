using System.Reflection;
using System.Xml.Linq;
using ActorSwingSet.Hosting;
using ActorSwingSet.TestKit;
using Xunit;

namespace ActorSwingSet.Tests.PublicApi;

/// <summary>
/// Every public type, property and field of the shipped libraries has a non-empty summary in the XML documentation
/// the build writes beside the assembly. The compiler's CS1591 already covers what is declared with a body; this
/// catches what it does not: the properties of positional records (documented by the record's <c>param</c> tags)
/// and enum members.
/// </summary>
public sealed class PublicDocsTests
{
    public static TheoryData<string> Assemblies() =>
        [typeof(SwingSetController).Assembly.Location, typeof(SwingSetHostingExtensions).Assembly.Location, typeof(TestKernel).Assembly.Location];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Every_public_type_property_and_field_has_a_summary(string assemblyPath)
    {
        var assembly = Assembly.LoadFrom(assemblyPath);
        var documented = XDocument.Load(Path.ChangeExtension(assemblyPath, ".xml"))
            .Descendants("member")
            .Where(m => !string.IsNullOrWhiteSpace(m.Element("summary")?.Value))
            .Select(m => (string)m.Attribute("name")!)
            .ToHashSet(StringComparer.Ordinal);

        var missing = DocIds(assembly).Where(id => !documented.Contains(id)).ToList();

        Assert.True(missing.Count == 0, "undocumented: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_positional_record_property_is_checked()
    {
        var ids = DocIds(typeof(SwingSetController).Assembly).ToList();
        Assert.Contains("P:ActorSwingSet.KernelStats.CrankNumber", ids);
        Assert.Contains("P:ActorSwingSet.KernelStats.Item(ActorSwingSet.KernelStat)", ids);
        Assert.Contains("F:ActorSwingSet.PromiseState.Fulfilled", ids);
        Assert.DoesNotContain("P:ActorSwingSet.KernelStats.EqualityContract", ids);
    }

    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<string> DocIds(Assembly assembly)
    {
        foreach (var type in assembly.GetExportedTypes())
        {
            var name = type.FullName!.Replace('+', '.');
            yield return "T:" + name;
            foreach (var p in type.GetProperties(Declared).Where(p => Visible(p.GetMethod) && p.Name != "EqualityContract"))
            {
                var index = p.GetIndexParameters();
                yield return $"P:{name}.{p.Name}" + (index.Length == 0 ? "" : $"({string.Join(",", index.Select(i => i.ParameterType.FullName))})");
            }
            foreach (var f in type.GetFields(Declared).Where(f => (f.IsPublic || f.IsFamily) && !f.IsSpecialName))
            {
                yield return $"F:{name}.{f.Name}";
            }
        }
    }

    private static bool Visible(MethodInfo? accessor) => accessor is { IsPublic: true } or { IsFamily: true };
}
