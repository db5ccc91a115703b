// The real distro is never loaded here: each test hands startTelemetry its own loader, so nothing contacts Azure.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { startTelemetry } from '../../src/log/telemetry.js';
import type { AzureMonitorDistro } from '../../src/log/telemetry.js';
import { LogCapture } from '../support/logCapture.js';

const CONNECTION_STRING = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1/';

// At info, as Rally runs: a debug line would change the count of lines the warning test expects.
const capture = () => new LogCapture('info');

function fakeDistro(): AzureMonitorDistro & { useAzureMonitor: sinon.SinonSpy; shutdownAzureMonitor: sinon.SinonSpy } {
  return { useAzureMonitor: sinon.fake(), shutdownAzureMonitor: sinon.fake.resolves(undefined) };
}

describe('startTelemetry', () => {
  it('loads nothing without a connection string', async () => {
    const load = sinon.fake.resolves(fakeDistro());
    await (await startTelemetry(undefined, capture().log, load)).shutdown();
    assert.equal(load.callCount, 0);
  });

  it('starts Azure Monitor with the connection string, and flushes it on shutdown', async () => {
    const distro = fakeDistro();
    const telemetry = await startTelemetry(CONNECTION_STRING, capture().log, async () => distro);
    assert.deepEqual(distro.useAzureMonitor.firstCall.args, [{ azureMonitorExporterOptions: { connectionString: CONNECTION_STRING } }]);
    await telemetry.shutdown();
    assert.equal(distro.shutdownAzureMonitor.callCount, 1);
  });

  it('says in one warning that the distro is not installed, and runs on without it', async () => {
    const logs = capture();
    const missing = Object.assign(new Error("Cannot find package '@azure/monitor-opentelemetry'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const telemetry = await startTelemetry(CONNECTION_STRING, logs.log, () => Promise.reject(missing));
    await telemetry.shutdown();
    const lines: { level: number; msg: string }[] = logs.records();
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.level, 40);
    assert.match(lines[0]!.msg, /@azure\/monitor-opentelemetry is not installed: no telemetry is sent/);
  });

  it('does not hide a distro that fails for another reason', async () => {
    await assert.rejects(startTelemetry(CONNECTION_STRING, capture().log, () => Promise.reject(new SyntaxError('broken'))), SyntaxError);
  });
});
