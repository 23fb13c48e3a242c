package victoriametricsexporter

import "go.opentelemetry.io/collector/exporter/exporterhelper"

type exporterhelperQueue = exporterhelper.QueueBatchConfig
