{{/*
Release-wide name: the release name, suffixed with the chart name unless it already contains it.
*/}}
{{- define "orderflow.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's objects. Args: dict root, name. */}}
{{- define "orderflow.serviceName" -}}
{{- printf "%s-%s" (include "orderflow.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select a component's pods. Args: dict root, component. */}}
{{- define "orderflow.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every label of a component's objects. Args: dict root, component. */}}
{{- define "orderflow.labels" -}}
{{ include "orderflow.selectorLabels" . }}
app.kubernetes.io/part-of: orderflow
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Labels of every pod of this release, for the default-deny NetworkPolicy. */}}
{{- define "orderflow.releaseSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "orderflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "orderflow.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The topic registry, generated from libs/contracts/src/topics.ts. */}}
{{- define "orderflow.registry" -}}
{{- .Files.Get "files/topics.yaml" -}}
{{- end -}}

{{/*
topics.partitions when set: the partitions of every event topic (and its dead-letter topic),
instead of the registry's. Empty when unset (values.schema.json allows only whole numbers above 0).
*/}}
{{- define "orderflow.topicPartitions" -}}
{{- with .Values.topics.partitions -}}
{{- . -}}
{{- end -}}
{{- end -}}

{{/*
Most replicas a service can keep busy: the fewest partitions among the topics its consumer
group reads (each replica needs a partition of each). Empty when it consumes nothing.
Args: dict root, name.
*/}}
{{/* The consumer group of an app, from the registry. Args: dict root, name. */}}
{{- define "orderflow.consumerGroup" -}}
{{- $registry := include "orderflow.registry" .root | fromYaml -}}
{{- (get (get $registry "consumers") .name).groupId -}}
{{- end -}}

{{- define "orderflow.partitionCap" -}}
{{- $registry := include "orderflow.registry" .root | fromYaml -}}
{{- $consumer := get (get $registry "consumers") .name -}}
{{- if $consumer -}}
{{- $partitions := dict -}}
{{- $override := include "orderflow.topicPartitions" .root -}}
{{- range $registry.topics -}}
{{- $_ := set $partitions .name (int (default .partitions $override)) -}}
{{- end -}}
{{- $cap := -1 -}}
{{- range $consumer.topics -}}
{{- $p := get $partitions . -}}
{{- if or (lt $cap 0) (lt $p $cap) -}}
{{- $cap = $p -}}
{{- end -}}
{{- end -}}
{{- $cap -}}
{{- end -}}
{{- end -}}

{{/*
Terminating pods get preStop + SHUTDOWN_TIMEOUT_MS + a margin: the service exits 1 by itself
once SHUTDOWN_TIMEOUT_MS has passed, so Kubernetes never has to SIGKILL a clean shutdown.
*/}}
{{- define "orderflow.terminationGracePeriodSeconds" -}}
{{- $shutdown := div (add (int .Values.config.shutdownTimeoutMs) 999) 1000 -}}
{{- add (int .Values.pod.preStopSleepSeconds) $shutdown (int .Values.pod.terminationGraceMarginSeconds) -}}
{{- end -}}

{{/*
Non-secret environment of one service, as a YAML map: the ConfigMap's data, and the keys the
container reads from it. Args: dict root, name, svc.
*/}}
{{- define "orderflow.serviceConfig" -}}
{{- $v := .root.Values -}}
{{- $config := dict
  "PORT" (toString .svc.port)
  "KAFKA_BROKERS" $v.kafka.brokers
  "KAFKA_SSL" (ternary "true" "false" $v.kafka.ssl)
  "SHUTDOWN_TIMEOUT_MS" (toString (int $v.config.shutdownTimeoutMs))
  "LOG_LEVEL" $v.config.logLevel
  "LOG_FORMAT" $v.config.logFormat
  "AUTH_JWKS_URL" $v.auth.jwksUrl
  "AUTH_ISSUER" $v.auth.issuer
  "AUTH_AUDIENCE" $v.auth.audience
  "AUTH_CUSTOMER_CLAIM" $v.auth.customerClaim
  "AUTH_CLOCK_SKEW_SECONDS" (toString (int $v.auth.clockSkewSeconds))
  "AUTH_REQUIRE_AT_JWT" (ternary "true" "false" $v.auth.requireAccessTokenJwt)
  "AUTH_SCOPE_STAFF_READ" $v.auth.scopes.staffRead
  "AUTH_SCOPE_STAFF_CANCEL" $v.auth.scopes.staffCancel
  "AUTH_SCOPE_INVENTORY_ADMIN" $v.auth.scopes.inventoryAdmin
  "METRICS_ACCESS" $v.auth.metricsAccess
  "DOCS_ACCESS" $v.auth.docsAccess
  "RATE_LIMIT_PER_CALLER" (toString (int $v.http.rateLimit.perCaller))
  "RATE_LIMIT_PER_IP" (toString (int $v.http.rateLimit.perIp))
  "RATE_LIMIT_WINDOW_MS" (toString (int $v.http.rateLimit.windowMs))
  "HTTP_REQUEST_TIMEOUT_MS" (toString (int $v.http.requestTimeoutMs))
-}}
{{- with $v.http.corsOrigins }}{{ $_ := set $config "CORS_ORIGINS" . }}{{ end -}}
{{- if and (eq .name "order-api") $v.ingress.enabled }}{{ $_ := set $config "TRUST_PROXY_HOPS" (toString (int $v.ingress.trustProxyHops)) }}{{ end -}}
{{- with $v.kafka.sasl.mechanism }}{{ $_ := set $config "KAFKA_SASL_MECHANISM" . }}{{ end -}}
{{- with $v.tracing.otlpEndpoint }}
{{- $_ := set $config "OTEL_EXPORTER_OTLP_ENDPOINT" . }}
{{- $_ := set $config "OTEL_EXPORTER_OTLP_PROTOCOL" $v.tracing.protocol }}
{{- $_ := set $config "OTEL_TRACES_SAMPLER" $v.tracing.sampler }}
{{- $_ := set $config "OTEL_TRACES_SAMPLER_ARG" (toString $v.tracing.samplerArg) }}
{{- end -}}
{{- with .svc.mongodbDatabase }}{{ $_ := set $config "MONGODB_DATABASE" . }}{{ end -}}
{{- range $key, $value := .svc.env -}}
{{- if eq $key "AUTH_DISABLED" -}}
{{- fail (printf "services.%s.env.AUTH_DISABLED: the chart never deploys a service without authentication" $.name) -}}
{{- end -}}
{{- if eq $key "AUTH_JWKS_ALLOW_HTTP" -}}
{{- fail (printf "services.%s.env.AUTH_JWKS_ALLOW_HTTP: the chart never lets a service fetch its signing keys over plain http" $.name) -}}
{{- end -}}
{{- if or (hasKey $config $key) (has $key (list "MONGODB_URI" "KAFKA_SASL_USERNAME" "KAFKA_SASL_PASSWORD")) -}}
{{- fail (printf "services.%s.env.%s: the chart sets %s itself; use the matching chart value" $.name $key $key) -}}
{{- end -}}
{{- $_ := set $config $key (toString $value) -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/*
Secret-sourced environment (never values). Args: dict root, secret (Secret name for MONGODB_URI).
*/}}
{{- define "orderflow.secretEnv" -}}
{{- $v := .root.Values -}}
- name: MONGODB_URI
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ $v.secrets.mongodbUriKey }}
{{- with include "orderflow.kafkaSaslEnv" (dict "root" .root "secret" .secret) }}
{{ . }}
{{- end }}
{{- end -}}

{{/*
Kafka SASL credentials, when SASL is on, from the given Secret: a service's own
(services.<app>.existingSecret) gives it a principal of its own, for ACLs per service.
Args: dict root, secret.
*/}}
{{- define "orderflow.kafkaSaslEnv" -}}
{{- $v := .root.Values -}}
{{- if $v.kafka.sasl.mechanism -}}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ $v.secrets.kafkaSaslUsernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ $v.secrets.kafkaSaslPasswordKey }}
{{- end -}}
{{- end -}}

{{/* Checks that cannot be expressed in values.schema.json; rendered once, before anything else. */}}
{{- define "orderflow.validate" -}}
{{- if not .Values.secrets.existingSecret -}}
{{- fail "secrets.existingSecret must name the Secret holding MONGODB_URI (the chart never stores credentials)" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not (get .Values.services "order-api").enabled) -}}
{{- fail "ingress.enabled needs services.order-api.enabled: the ingress routes to order-api" -}}
{{- end -}}
{{- /* A Prefix path reaches an endpoint when its segments start it; the services ignore case. */ -}}
{{- range $path := .Values.ingress.paths -}}
{{- $prefix := lower (trimSuffix "/" $path) -}}
{{- range $internal := list "/metrics" "/health/live" "/health/ready" -}}
{{- if or (eq $prefix $internal) (hasPrefix (printf "%s/" $prefix) $internal) -}}
{{- fail (printf "ingress.paths: %s would expose %s outside the cluster; route only the public API, e.g. /orders" $path $internal) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $name, $svc := .Values.services -}}
{{- if $svc.enabled -}}
{{- $cap := include "orderflow.partitionCap" (dict "root" $ "name" $name) -}}
{{- if $cap -}}
{{- $replicas := ternary (int $svc.autoscaling.maxReplicas) (int $svc.replicas) $svc.autoscaling.enabled -}}
{{- if gt $replicas (int $cap) -}}
{{- fail (printf "services.%s.%s is %d, above %s, the partitions of the topics %s consumes: the extra replicas would get no partition and sit idle" $name (ternary "autoscaling.maxReplicas" "replicas" $svc.autoscaling.enabled) $replicas $cap $name) -}}
{{- end -}}
{{- end -}}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- fail (printf "services.%s.autoscaling.minReplicas is above maxReplicas" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* One NetworkPolicy egress rule: ports, and peers when any are given (none: any destination). */}}
{{- define "orderflow.egressRule" -}}
- ports:
    {{- toYaml .ports | nindent 4 }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
