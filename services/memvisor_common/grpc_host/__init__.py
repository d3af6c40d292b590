"""gRPC plumbing shared by every service: interceptor, server host, peer stubs."""
