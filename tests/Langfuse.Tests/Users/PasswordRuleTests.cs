using Langfuse.Features.Users;
using Langfuse.Infrastructure.Configuration;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;

namespace Langfuse.Tests.Users;

/// <summary>Pure logic: the documented password minimum and the hasher's rounds (no stores).</summary>
public sealed class PasswordRuleTests
{
    [Theory]
    [InlineData("abc1!", false)]
    [InlineData("abcdefgh", false)]
    [InlineData("abcdefg1", false)]
    [InlineData("abcdef1!", true)]
    [InlineData("pass word 9", true)]
    public void The_minimum_is_eight_characters_with_a_letter_a_digit_and_a_symbol(string password, bool acceptable) =>
        (Passwords.Weakness(password, "someone@example.test") is null).ShouldBe(acceptable);

    [Fact]
    public void The_email_address_is_not_a_password() =>
        Passwords.Weakness("Someone1@example.test", "someone1@example.test").ShouldNotBeNull();

    [Fact]
    public void Hashes_carry_the_configured_rounds_and_a_random_salt()
    {
        var passwords = new Passwords(Settings(("LANGFUSE_PASSWORD_HASH_ITERATIONS", "12345")));
        var a = passwords.Hash("same password 1!");
        var b = passwords.Hash("same password 1!");
        a.ShouldNotBe(b);
        // Identity v3 format: 0x01, PRF (4 bytes), iteration count (4 bytes, big-endian), …
        var bytes = Convert.FromBase64String(a);
        bytes[0].ShouldBe((byte)1);
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4)).ShouldBe(12345u);
        passwords.Verify(new User { PasswordHash = a }, "same password 1!").ShouldBe(PasswordVerificationResult.Success);
        passwords.Verify(new User { PasswordHash = a }, "other password 1!").ShouldBe(PasswordVerificationResult.Failed);
    }

    [Fact]
    public void The_default_is_210000_rounds_and_older_hashes_are_upgraded_at_sign_in()
    {
        var weak = new Passwords(Settings(("LANGFUSE_PASSWORD_HASH_ITERATIONS", "1000"))).Hash("pass word 1!");
        var current = new Passwords(Settings());
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Convert.FromBase64String(current.Hash("x")).AsSpan(5, 4)).ShouldBe(210_000u);
        current.Verify(new User { PasswordHash = weak }, "pass word 1!").ShouldBe(PasswordVerificationResult.SuccessRehashNeeded);
    }

    static LangfuseSettings Settings(params (string, string)[] extra)
    {
        var values = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgresql://u:p@localhost:5432/db", ["CLICKHOUSE_URL"] = "http://localhost:8123",
            ["REDIS_CONNECTION_STRING"] = "redis://localhost:6379", ["SALT"] = "s",
        };
        foreach (var (k, v) in extra) values[k] = v;
        return LangfuseSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }
}
