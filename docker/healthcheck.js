// Container health check for the service images, which carry no curl: exits 0 when the
// service in this container answers GET /health/ready with 200 (MongoDB and Kafka usable).
const port = process.env.PORT;
fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
