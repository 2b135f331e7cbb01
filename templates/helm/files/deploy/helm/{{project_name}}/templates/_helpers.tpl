\{{/*
Expand the name of the chart.
*/}}
\{{- define "{{project_name}}.name" -}}
\{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
\{{- end }}

\{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
\{{- define "{{project_name}}.fullname" -}}
\{{- if .Values.fullnameOverride }}
\{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
\{{- else }}
\{{- $name := default .Chart.Name .Values.nameOverride }}
\{{- if contains $name .Release.Name }}
\{{- .Release.Name | trunc 63 | trimSuffix "-" }}
\{{- else }}
\{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
\{{- end }}
\{{- end }}
\{{- end }}

\{{/*
Create chart name and version as used by the chart label.
*/}}
\{{- define "{{project_name}}.chart" -}}
\{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
\{{- end }}

\{{/*
Common labels
*/}}
\{{- define "{{project_name}}.labels" -}}
helm.sh/chart: \{{ include "{{project_name}}.chart" . }}
\{{ include "{{project_name}}.selectorLabels" . }}
\{{- if .Chart.AppVersion }}
app.kubernetes.io/version: \{{ .Chart.AppVersion | quote }}
\{{- end }}
app.kubernetes.io/managed-by: \{{ .Release.Service }}
\{{- end }}

\{{/*
Selector labels
*/}}
\{{- define "{{project_name}}.selectorLabels" -}}
app.kubernetes.io/name: \{{ include "{{project_name}}.name" . }}
app.kubernetes.io/instance: \{{ .Release.Name }}
\{{- end }}

\{{/*
Create the name of the service account to use
*/}}
\{{- define "{{project_name}}.serviceAccountName" -}}
\{{- if .Values.serviceAccount.create }}
\{{- default (include "{{project_name}}.fullname" .) .Values.serviceAccount.name }}
\{{- else }}
\{{- default "default" .Values.serviceAccount.name }}
\{{- end }}
\{{- end }}

\{{/*
An image reference from a map with repository, tag and digest: pinned to the
digest when one is given. Call it with (dict "image" .Values.image "default" .Chart.AppVersion).
*/}}
\{{- define "{{project_name}}.imageRef" -}}
\{{- $tag := .image.tag | default .default | toString }}
\{{- if .image.digest }}
\{{- printf "%s:%s@%s" .image.repository $tag .image.digest }}
\{{- else }}
\{{- printf "%s:%s" .image.repository $tag }}
\{{- end }}
\{{- end }}

\{{/*
The pull policy of an image: the configured one, else IfNotPresent for an
image pinned by digest (it cannot change) and Always for a tag (which can be
moved, and whose pull re-checks the registry credentials).
*/}}
\{{- define "{{project_name}}.pullPolicy" -}}
\{{- if .pullPolicy }}
\{{- .pullPolicy }}
\{{- else if .digest }}
\{{- "IfNotPresent" }}
\{{- else }}
\{{- "Always" }}
\{{- end }}
\{{- end }}

\{{/*
GOMEMLIMIT in bytes: goMemLimitPercent of a memory quantity such as 128Mi,
so the garbage collector works harder before the kernel kills the container
and memory outside the Go heap still has room.
*/}}
\{{- define "{{project_name}}.goMemLimit" -}}
\{{- $limit := toString .limit }}
\{{- if not (regexMatch "^[0-9]+(\\.[0-9]+)?([kKMGT]|[KMGT]i)?$" $limit) }}
\{{- fail (printf "resources.limits.memory is %q: use a quantity such as 128Mi or 1Gi" $limit) }}
\{{- end }}
\{{- $number := regexReplaceAll "[^0-9.]+$" $limit "" | float64 }}
\{{- $unit := regexReplaceAll "^[0-9.]+" $limit "" }}
\{{- $scale := dict "" 1.0 "k" 1e3 "K" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 }}
\{{- mulf $number (get $scale $unit) .percent 0.01 | floor | int64 }}
\{{- end }}
