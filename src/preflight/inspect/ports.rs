//! Ports and addresses: what each process binds, and whether the host lets it.

use super::*;

impl Run<'_> {
    pub(in crate::preflight) fn network(&mut self) {
        // Processes of one node that bind the same fixed address collide.
        let mut fixed: Vec<(SocketAddr, u64)> = Vec::new();
        for group in 0..self.groups.len() {
            let backend = self.groups[group].loaded.config.nova.backend.clone();
            let Some(addr) = self.bind_addr(group, &backend) else {
                continue;
            };
            if backend.tcp_port == 0 {
                continue;
            }
            match fixed.iter_mut().find(|(a, _)| *a == addr) {
                Some((_, count)) => *count += self.groups[group].count,
                None => fixed.push((addr, self.groups[group].count)),
            }
            match self.host.bind(addr) {
                PortState::Free => {}
                PortState::Taken(why) => {
                    let message = format!(
                        "port {} cannot be bound at {addr}: {why}; choose a free port, or 0 for any",
                        backend.tcp_port
                    );
                    let fact = format!("bind {addr} failed");
                    self.push(
                        Severity::Error,
                        "network",
                        group,
                        crate::key::nova::backend::TCP_PORT,
                        fact,
                        message,
                    );
                }
                PortState::Unknown => {
                    let what = format!(
                        "{} does not say whether {addr} can be bound (list it under `free` or `taken`)",
                        self.host.called()
                    );
                    self.could_not_check(
                        "network",
                        group,
                        crate::key::nova::backend::TCP_PORT,
                        &what,
                    );
                }
            }
        }
        for (addr, count) in fixed.into_iter().filter(|(_, count)| *count > 1) {
            let group = (0..self.groups.len())
                .find(|g| self.groups[*g].loaded.config.nova.backend.tcp_port == addr.port())
                .unwrap_or(0);
            let message = format!(
                "{count} processes of this node would bind {addr}; only one can (use port 0, or a port per process)"
            );
            self.push(
                Severity::Error,
                "network",
                group,
                crate::key::nova::backend::TCP_PORT,
                format!("{count} processes"),
                message,
            );
        }
    }

    /// The address a group's Nova binds, by the rule start-up uses
    /// ([`NovaBackendConfig::bind_addr_among`](crate::nova::NovaBackendConfig::bind_addr_among));
    /// `None` (after a finding) when it has none here.
    pub(super) fn bind_addr(
        &mut self,
        group: usize,
        backend: &crate::nova::NovaBackendConfig,
    ) -> Option<SocketAddr> {
        use crate::BuildError;
        if backend.tcp_interface.is_none() && backend.tcp_addr.is_none() {
            return backend.bind_addr_among(&[]).ok();
        }
        let Some(interfaces) = self.host.interfaces.clone() else {
            let key = match backend.tcp_interface {
                Some(_) => crate::key::nova::backend::TCP_INTERFACE,
                None => crate::key::nova::backend::TCP_ADDR,
            };
            self.could_not_check(
                "network",
                group,
                key,
                "the network interfaces could not be listed",
            );
            return None;
        };
        let names = interfaces
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let fact = format!("interfaces: {names}");
        match backend.bind_addr_among(&interfaces) {
            Ok(addr) if is_local(addr.ip(), &interfaces) => Some(addr),
            Ok(addr) => {
                let message = format!(
                    "{} is not an address of {}: set `nova.backend.tcp_addr` to one of its addresses, or use `tcp_interface`",
                    addr.ip(),
                    self.host.called()
                );
                self.push(
                    Severity::Error,
                    "network",
                    group,
                    crate::key::nova::backend::TCP_ADDR,
                    fact,
                    message,
                );
                None
            }
            Err(BuildError::UnknownInterface { name, .. }) => {
                let message = format!(
                    "no interface `{name}` on {}; it has: {names}; set `nova.backend.tcp_interface` to one of them",
                    self.host.called()
                );
                self.push(
                    Severity::Error,
                    "network",
                    group,
                    crate::key::nova::backend::TCP_INTERFACE,
                    fact,
                    message,
                );
                None
            }
            Err(BuildError::NoIpv4Address { name }) => {
                let has = match interfaces.iter().find(|i| i.name == name) {
                    Some(i) if !i.addrs.is_empty() => "only IPv6 addresses",
                    _ => "no address",
                };
                let message = format!("interface `{name}` has {has}; Nova binds the interface's IPv4 address, so start-up would fail: name an interface with an IPv4 address");
                self.push(
                    Severity::Error,
                    "network",
                    group,
                    crate::key::nova::backend::TCP_INTERFACE,
                    has.into(),
                    message,
                );
                None
            }
            Err(other) => {
                let key = crate::key::nova::backend::TCP_ADDR;
                self.push(
                    Severity::Error,
                    "network",
                    group,
                    key,
                    "invalid".into(),
                    other.to_string(),
                );
                None
            }
        }
    }
}

/// Whether `ip` is an address of this host: the unspecified address, all of 127.0.0.0/8
/// and `::1`, or an address of one of its interfaces (link-local ones included).
fn is_local(ip: IpAddr, interfaces: &[Interface]) -> bool {
    ip.is_unspecified() || ip.is_loopback() || interfaces.iter().any(|i| i.addrs.contains(&ip))
}
