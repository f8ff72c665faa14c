//! A DNS resolver for reqwest that refuses internal addresses at connection
//! time: whatever a name resolves to when Herald connects is what is checked.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::Guard;

pub struct GuardedResolver {
    guard: Guard,
}

impl GuardedResolver {
    pub fn new(guard: Guard) -> GuardedResolver {
        GuardedResolver { guard }
    }
}

/// The permitted addresses among those `name` resolved to, or why there are none.
pub fn keep_permitted(guard: &Guard, name: &str, resolved: impl IntoIterator<Item = SocketAddr>) -> Result<Vec<SocketAddr>, String> {
    let (kept, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = resolved.into_iter().partition(|addr| guard.permits(addr.ip()));
    match (kept.is_empty(), refused.first()) {
        (false, _) => Ok(kept),
        (true, Some(first)) => Err(super::refusal(&format!("{name} ({})", first.ip()))),
        (true, None) => Err(format!("{name} did not resolve to any address")),
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.guard.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            // Port 0: reqwest puts the URL's port in afterwards.
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let kept = keep_permitted(&guard, &host, resolved).map_err(|refused| -> Box<dyn std::error::Error + Send + Sync> { refused.into() })?;
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|ip| SocketAddr::new(ip.parse().unwrap(), 0)).collect()
    }

    #[test]
    fn a_name_that_resolves_inside_is_refused() {
        let guard = Guard::default();
        let refused = keep_permitted(&guard, "rebind.example", addrs(&["127.0.0.1"])).unwrap_err();
        assert!(refused.contains("rebind.example") && refused.contains("internal"), "{refused}");
        assert!(keep_permitted(&guard, "meta.example", addrs(&["169.254.169.254", "fd00::1"])).is_err());
        assert_eq!(keep_permitted(&guard, "mixed.example", addrs(&["10.0.0.1", "93.184.215.14"])).unwrap(), addrs(&["93.184.215.14"]), "only the public one is dialled");
        let allowed = Guard::new(vec!["127.0.0.0/8".parse().unwrap()]);
        assert_eq!(keep_permitted(&allowed, "localhost", addrs(&["127.0.0.1"])).unwrap(), addrs(&["127.0.0.1"]));
    }

    #[tokio::test]
    async fn localhost_is_refused_when_resolved() {
        let resolver = GuardedResolver::new(Guard::default());
        let name: Name = "localhost".parse().unwrap();
        assert!(resolver.resolve(name).await.is_err());
    }
}
