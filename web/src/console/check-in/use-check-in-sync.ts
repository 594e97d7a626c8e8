import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { fetchOfflineTicketList, syncCheckIns } from '../endpoints';
import type { BatchScanResult, OfflineTicketList } from '../types';
import { loadPending, loadTicketList, removePending, saveTicketList } from './offline-store';

/** The batch endpoint takes at most this many scans. */
const BATCH_SIZE = 500;
/** While scans wait and the browser reports a network, retry the sync this often. */
const RETRY_MS = 15_000;

export interface SyncReport {
  synced: number;
  rejected: number;
  conflicts: BatchScanResult[];
}

/**
 * Keeps an event's offline ticket list and scan queue on this device: downloads the list when
 * the event is chosen online, and syncs the queued scans when the network returns, then every
 * 15 seconds while scans wait.
 */
export function useCheckInSync(eventId: string | undefined, deviceId: string) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [online, setOnline] = useState(() => navigator.onLine);
  const [pending, setPending] = useState(0);
  const [list, setList] = useState<OfflineTicketList | undefined>();
  const [syncing, setSyncing] = useState(false);
  const [report, setReport] = useState<SyncReport | null>(null);
  const running = useRef(false);

  const refreshPending = useCallback(() => {
    setPending(eventId ? loadPending(eventId).length : 0);
    setList(eventId ? loadTicketList(eventId) : undefined);
  }, [eventId]);

  const download = useCallback(async () => {
    if (!eventId) return;
    try {
      const fresh = await fetchOfflineTicketList(eventId);
      if (!saveTicketList(fresh)) message.error('本机存储空间不足，无法保存离线名单');
      refreshPending();
    } catch (error) {
      message.error(`离线名单下载失败：${consoleErrorMessage(error)}`);
    }
  }, [eventId, message, refreshPending]);

  const syncNow = useCallback(async () => {
    if (!eventId || running.current) return;
    const scans = loadPending(eventId);
    if (scans.length === 0) return;
    running.current = true;
    setSyncing(true);
    try {
      const results: BatchScanResult[] = [];
      for (let start = 0; start < scans.length; start += BATCH_SIZE) {
        const batch = scans.slice(start, start + BATCH_SIZE);
        const answer = await syncCheckIns(eventId, deviceId, batch);
        removePending(
          eventId,
          batch.map((scan) => scan.nonce),
        );
        results.push(...answer.results);
      }
      setReport({
        synced: results.length,
        rejected: results.filter((result) => result.outcome === 'rejected').length,
        conflicts: results.filter((result) => result.conflict),
      });
      void queryClient.invalidateQueries({ queryKey: ['check-in-stats', eventId] });
      await download();
    } catch (error) {
      message.warning(`离线签到同步失败，稍后自动重试：${consoleErrorMessage(error)}`);
    } finally {
      running.current = false;
      setSyncing(false);
      refreshPending();
    }
  }, [eventId, deviceId, download, message, queryClient, refreshPending]);

  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);

  useEffect(() => {
    setReport(null);
    refreshPending();
    if (eventId && navigator.onLine) void download();
  }, [eventId, download, refreshPending]);

  useEffect(() => {
    if (!online || pending === 0) return undefined;
    void syncNow();
    const timer = window.setInterval(() => void syncNow(), RETRY_MS);
    return () => window.clearInterval(timer);
  }, [online, pending, syncNow]);

  return { online, pending, list, syncing, report, download, syncNow, refreshPending };
}
