using System.Reflection;
using ActorSwingSet.Kernel.State;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>The rows the keeper hands out are read-only views: only the keeper, which journals each change, writes a row.</summary>
public sealed class KeeperRowsTests
{
    [Theory]
    [InlineData(typeof(IKernelPromise))]
    [InlineData(typeof(IKernelObject))]
    public void A_row_view_has_no_setter_and_only_read_only_collections(Type view)
    {
        foreach (var p in view.GetProperties())
        {
            Assert.False(p.CanWrite, $"{view.Name}.{p.Name} has a setter");
            if (p.PropertyType.IsGenericType && p.PropertyType != typeof(string))
                Assert.True(p.PropertyType.Name.StartsWith("IReadOnly", StringComparison.Ordinal) || p.PropertyType.Name.StartsWith("ReadOnly", StringComparison.Ordinal),
                    $"{view.Name}.{p.Name} is a {p.PropertyType.Name}");
        }
        Assert.Empty(view.GetMethods().Where(m => !m.IsSpecialName));
    }

    [Fact]
    public void What_the_keeper_hands_out_cannot_be_cast_back_to_a_writable_row()
    {
        var k = new KernelKeeper();
        var ko = k.AddObject("v1");
        var kp = k.AddPromise("v1");
        foreach (var row in new object[] { k.GetPromise(kp), k.TryGetPromise(kp)!, k.GetObject(ko)!, k.Promises.Single().Value, k.Objects.Single().Value })
        {
            Assert.True(row.GetType().IsNestedPrivate, $"{row.GetType()} is visible outside the keeper");
            Assert.Equal(typeof(KernelKeeper), row.GetType().DeclaringType);
        }
        foreach (var m in typeof(KernelKeeper).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            Assert.False(m.ReturnType.IsNestedPrivate, $"KernelKeeper.{m.Name} returns a writable row");
    }
}
