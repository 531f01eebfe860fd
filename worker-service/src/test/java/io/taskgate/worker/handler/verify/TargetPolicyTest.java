package io.taskgate.worker.handler.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Host patterns and address classes, without any lookup or connection. */
class TargetPolicyTest {

    private final TargetPolicy policy = new TargetPolicy(
            List.of("api.example.com", "*.verify.example.org", "203.0.113.7", "2001:DB8::10"), false);

    @Test
    void exactNamesMatchOnlyThemselves() {
        assertThat(policy.refuseHost("api.example.com")).isEmpty();
        assertThat(policy.refuseHost("www.api.example.com"))
                .contains("host www.api.example.com is not in allowed-hosts");
        assertThat(policy.refuseHost("example.com")).isPresent();
        assertThat(policy.refuseHost("api.example.com.evil.net")).isPresent();
    }

    @Test
    void patternsMatchNamesBelowTheirSuffixOnly() {
        assertThat(policy.refuseHost("a.verify.example.org")).isEmpty();
        assertThat(policy.refuseHost("a.b.verify.example.org")).isEmpty();
        assertThat(policy.refuseHost("verify.example.org")).isPresent();
        assertThat(policy.refuseHost("evilverify.example.org")).isPresent();
        assertThat(policy.refuseHost("verify.example.org.evil.net")).isPresent();
    }

    @Test
    void entriesAreComparedCaseInsensitivelyWithoutTrailingDots() {
        TargetPolicy mixedCase = new TargetPolicy(List.of("API.Example.COM."), false);
        assertThat(mixedCase.refuseHost(Target.normalizeHost("Api.Example.Com."))).isEmpty();
    }

    @Test
    void literalAddressesMustBeListedThemselvesInAnySpelling() {
        assertThat(policy.refuseHost("203.0.113.7")).isEmpty();
        assertThat(policy.refuseHost("203.0.113.8")).isPresent();
        assertThat(policy.refuseHost("2001:db8:0:0:0:0:0:10")).isEmpty();
        assertThat(policy.refuseHost("2001:db8::11")).isPresent();
    }

    @Test
    void badEntriesStopStartUp() {
        for (String entry : List.of("*", "*.", "api.*.example.com", "http://api.example.com/", "999.1.1.1",
                "*.10.0.0.1")) {
            assertThatThrownBy(() -> new TargetPolicy(List.of(entry), false)).as(entry)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("taskgate.verify.allowed-hosts");
        }
    }

    @Test
    void classifiesIpv4Addresses() {
        Map<String, AddressClass> expected = Map.ofEntries(
                Map.entry("127.0.0.1", AddressClass.LOOPBACK),
                Map.entry("127.200.1.1", AddressClass.LOOPBACK),
                Map.entry("10.1.2.3", AddressClass.PRIVATE),
                Map.entry("172.16.0.1", AddressClass.PRIVATE),
                Map.entry("172.31.255.255", AddressClass.PRIVATE),
                Map.entry("172.32.0.1", AddressClass.PUBLIC),
                Map.entry("172.15.255.255", AddressClass.PUBLIC),
                Map.entry("192.168.10.20", AddressClass.PRIVATE),
                Map.entry("169.254.169.254", AddressClass.LINK_LOCAL),
                Map.entry("0.0.0.0", AddressClass.UNSPECIFIED),
                Map.entry("0.1.2.3", AddressClass.UNSPECIFIED),
                Map.entry("224.0.0.1", AddressClass.MULTICAST),
                Map.entry("239.255.255.250", AddressClass.MULTICAST),
                Map.entry("100.64.0.1", AddressClass.CARRIER_GRADE_NAT),
                Map.entry("100.127.255.254", AddressClass.CARRIER_GRADE_NAT),
                Map.entry("100.63.255.255", AddressClass.PUBLIC),
                Map.entry("100.128.0.1", AddressClass.PUBLIC),
                Map.entry("8.8.8.8", AddressClass.PUBLIC),
                Map.entry("203.0.113.7", AddressClass.PUBLIC));
        expected.forEach((address, kind) -> assertThat(TargetPolicy.classify(ip(address))).as(address).isEqualTo(kind));
    }

    @Test
    void classifiesIpv6Addresses() {
        Map<String, AddressClass> expected = Map.ofEntries(
                Map.entry("::1", AddressClass.LOOPBACK),
                Map.entry("::", AddressClass.UNSPECIFIED),
                Map.entry("fc00::1", AddressClass.PRIVATE),
                Map.entry("fd12:3456:789a::1", AddressClass.PRIVATE),
                Map.entry("fec0::1", AddressClass.PRIVATE),
                Map.entry("fe80::1", AddressClass.LINK_LOCAL),
                Map.entry("febf::1", AddressClass.LINK_LOCAL),
                Map.entry("ff02::1", AddressClass.MULTICAST),
                Map.entry("2001:4860:4860::8888", AddressClass.PUBLIC),
                Map.entry("fe00::1", AddressClass.PUBLIC));
        expected.forEach((address, kind) -> assertThat(TargetPolicy.classify(ip(address))).as(address).isEqualTo(kind));
    }

    @Test
    void ipv4InsideIpv6IsJudgedAsIpv4() {
        assertThat(TargetPolicy.classify(ip("::ffff:10.0.0.1"))).isEqualTo(AddressClass.PRIVATE);
        assertThat(TargetPolicy.classify(ip("::ffff:127.0.0.1"))).isEqualTo(AddressClass.LOOPBACK);
        assertThat(TargetPolicy.classify(ip("::127.0.0.1"))).isEqualTo(AddressClass.LOOPBACK);
        assertThat(TargetPolicy.classify(ip("64:ff9b::a9fe:a9fe"))).isEqualTo(AddressClass.LINK_LOCAL);
        assertThat(TargetPolicy.classify(ip("64:ff9b::808:808"))).isEqualTo(AddressClass.PUBLIC);
        assertThat(TargetPolicy.classify(ip("::5"))).isEqualTo(AddressClass.UNSPECIFIED);
        assertThat(TargetPolicy.classify(ip("2002:a00:1::1"))).isEqualTo(AddressClass.PRIVATE);
        assertThat(TargetPolicy.classify(ip("2002:808:808::1"))).isEqualTo(AddressClass.PUBLIC);
    }

    @Test
    void refusesEveryNonPublicClassUnlessPrivateAddressesAreAllowed() {
        TargetPolicy open = new TargetPolicy(List.of(), true);
        for (String address : List.of("127.0.0.1", "10.0.0.1", "169.254.1.1", "0.0.0.0", "224.0.0.1", "100.64.1.1",
                "::1", "fd00::1", "fe80::1", "ff02::1")) {
            assertThat(policy.refuseAddress(ip(address))).as(address).isPresent();
            assertThat(open.refuseAddress(ip(address))).as(address).isEmpty();
        }
        assertThat(policy.refuseAddress(ip("10.0.0.1"))).contains("a private address");
        assertThat(policy.refuseAddress(ip("100.64.0.1"))).contains("a carrier-grade NAT address");
        assertThat(policy.refuseAddress(ip("8.8.8.8"))).isEmpty();
        assertThat(policy.refuseAddress(ip("2001:4860:4860::8888"))).isEmpty();
    }

    private static InetAddress ip(String literal) {
        try {
            // Literals only: no lookup happens.
            return InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
