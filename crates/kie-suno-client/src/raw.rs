//! `client.raw()`: the escape hatch for endpoints without a typed method. The
//! envelope is still checked and errors mapped; `data` comes back as any
//! `DeserializeOwned` type (`serde_json::Value` by default).

use kie_suno_types::{Endpoint, Host, Method};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::Call;
use crate::{Client, Result};

/// Untyped calls. Get one with [`Client::raw`].
///
/// A raw POST to a path that is not a documented non-billing endpoint is treated
/// as task-creating: rate limited and never retried once it may have reached the
/// server.
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a> {
    client: &'a Client,
    host: Host,
}

impl Client {
    /// Untyped calls on the API host.
    pub fn raw(&self) -> Raw<'_> {
        Raw {
            client: self,
            host: Host::Api,
        }
    }
}

fn known(method: Method, host: Host, path: &str) -> Option<Endpoint> {
    Endpoint::ALL
        .iter()
        .copied()
        .find(|e| e.method() == method && e.host() == host && e.path() == path)
}

impl Raw<'_> {
    /// The same calls on another host (e.g. [`Host::Upload`]).
    pub fn on(self, host: Host) -> Self {
        Self { host, ..self }
    }

    fn call<'p>(&self, method: Method, path: &'p str) -> Call<'p> {
        let endpoint = known(method, self.host, path);
        Call {
            endpoint,
            method,
            host: self.host,
            path,
            task_id: None,
            query: &[],
            creates_task: match endpoint {
                Some(e) => e.creates_task(),
                None => method == Method::Post,
            },
            payload: crate::client::Payload::Empty,
        }
    }

    /// `GET path?query`; returns `data`. Retried like any read.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T> {
        let mut call = self.call(Method::Get, path);
        call.query = query;
        self.client.execute(call).await
    }

    /// `POST path` with a JSON body; returns `data`.
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T> {
        let call = self.call(Method::Post, path).json(body)?;
        self.client.execute(call).await
    }
}
