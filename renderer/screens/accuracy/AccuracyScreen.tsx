// Accuracy: how much each step of the forecast adds (naive → seasonal naive →
// model → final plan, the sales input beside them), where overrides help or
// hurt, and per category whether to trust the model. Every figure comes from the
// backend; this screen lays them out and formats them.
import { useEffect, useState } from 'react';
import type { ApiError } from '../../../shared/domain';
import { useAppStore } from '../../stores/app';
import { useAccuracyStore } from '../../stores/accuracy';
import { AccuracyToolbar } from './AccuracyToolbar';
import { DirectionSizeTable } from './DirectionSizeTable';
import { OverrideScatter } from './OverrideScatter';
import { SlicePanel } from './SlicePanel';
import { StairstepChart } from './StairstepChart';
import { StairstepTable } from './StairstepTable';
import { TrendChart } from './TrendChart';
import { TrustMapPanel } from './TrustMapPanel';
import './accuracy.css';

/** True once `flag` has stayed true for `ms`: quick answers never flash a loading state. */
function useDelayed(flag: boolean, ms = 300): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!flag) return;
    const timer = setTimeout(() => setShown(true), ms);
    return () => {
      clearTimeout(timer);
      setShown(false);
    };
  }, [flag, ms]);
  return flag && shown;
}

function ErrorBanner({ what, error }: { what: string; error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <p className="banner error acc-error" role="alert">
      {what}: {error.message}
    </p>
  );
}

/** Holds the space of a part that has not arrived yet, so the layout does not jump when it does. */
function Placeholder({ height, loading, label }: { height: number; loading: boolean; label: string }) {
  return (
    <div className="acc-placeholder" style={{ height }}>
      {loading ? `Loading ${label}…` : ''}
    </div>
  );
}

export function AccuracyScreen() {
  const workbook = useAppStore((s) => s.workbook);
  const revision = useAppStore((s) => s.revision);
  const { filter, metric, sliceBy, trustWindow, options, attributes, overview, slice, sliceFilter, trust, loading, errors, load, setFilter, setMetric, setSliceBy, setTrustWindow } = useAccuracyStore();
  const grain = workbook?.grain ?? 'month';

  const workbookPath = workbook?.path;
  useEffect(() => {
    if (workbookPath) void load();
  }, [workbookPath, revision, load]);

  const slow = useDelayed(loading.overview || loading.slice || loading.trust || loading.options);
  const overviewSlow = useDelayed(loading.overview);
  const sliceSlow = useDelayed(loading.slice);
  const stale = (part: boolean) => (part ? ' stale' : '');

  return (
    <section className="screen accuracy" aria-labelledby="accuracy-title" role="region" aria-busy={slow}>
      <AccuracyToolbar options={options} filter={filter} metric={metric} grain={grain} busy={slow} onFilter={setFilter} onMetric={setMetric} />
      <ErrorBanner what="Filter choices could not be loaded" error={errors.options} />
      <ErrorBanner what="Accuracy could not be computed" error={errors.overview} />
      {options && options.linesWithActuals === 0 && (
        <p className="notice">No forecast line has a known actual yet. Import actuals for periods the forecasts covered, and accuracy appears here.</p>
      )}

      <div className={`acc-row right-wide${stale(overviewSlow)}`}>
        <section className="panel acc-panel" aria-label="FVA stairstep chart">
          {overview ? <StairstepChart stairstep={overview.stairstep} /> : <Placeholder height={260} loading={overviewSlow} label="the stairstep" />}
        </section>
        <section className="panel acc-panel" aria-labelledby="stairstep-title">
          {overview ? <StairstepTable stairstep={overview.stairstep} filter={overview.filter} /> : <Placeholder height={260} loading={overviewSlow} label="the stairstep" />}
        </section>
      </div>

      <div className={`acc-row${stale(overviewSlow)}`}>
        {overview ? <DirectionSizeTable table={overview.directionSize} filter={overview.filter} /> : <Placeholder height={260} loading={overviewSlow} label="direction × size" />}
        <section className="panel acc-panel" aria-label="Override scatter">
          {overview ? <OverrideScatter points={overview.scatter} /> : <Placeholder height={260} loading={overviewSlow} label="the overrides" />}
        </section>
      </div>

      <div className="acc-row right-wide">
        <section className={`panel acc-panel${stale(overviewSlow)}`} aria-label="Trend">
          {overview ? <TrendChart metric={overview.metric} trend={overview.trend} grain={grain} /> : <Placeholder height={260} loading={overviewSlow} label="the trend" />}
        </section>
        <div className={`acc-slice${stale(sliceSlow)}`}>
          <ErrorBanner what="Slice could not be computed" error={errors.slice} />
          <SlicePanel by={sliceBy} table={slice} filter={sliceFilter} metric={metric} grain={grain} attributes={attributes} onBy={setSliceBy} />
        </div>
      </div>

      <ErrorBanner what="Trust map could not be computed" error={errors.trust} />
      {trust ? <TrustMapPanel map={trust} window={trustWindow} onWindow={setTrustWindow} /> : <Placeholder height={160} loading={slow} label="the trust map" />}
    </section>
  );
}
