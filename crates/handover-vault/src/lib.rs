//! Secrets: Secret<T>, the OS keyring store, password policy, export for IT.
