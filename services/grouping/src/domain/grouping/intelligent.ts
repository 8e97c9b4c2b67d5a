/**
 * Intelligent grouping: the alert joins the open incident (within its rolling window) that the
 * service's model finds most similar — comparing it with each candidate's alerts, not only the
 * latest — if that similarity reaches the service's learned threshold; ties go to the most recently
 * grouped incident. Otherwise it opens an incident: two outages that happen at once stay two.
 * content_based_intelligent first keeps only the incidents that match on the content fields (the
 * gate), then lets the model choose among them.
 * The decision only reads the model; the caller then calls observeAlert to count the alert.
 */
import { createModel } from '../intelligent/model-state';
import { createScorer } from '../intelligent/similarity';
import { contentMatches, joinRolling, openRolling } from './content-based';
import type { GroupingPolicy } from './policy';
import { byMostRecent, type CandidateIncident, type GroupingDecision, type GroupingInput, isOpen } from './strategy';
import { inRollingWindow } from './window';

type IntelligentPolicy = Extract<GroupingPolicy, { type: 'intelligent' | 'content_based_intelligent' }>;

export function groupIntelligently(input: GroupingInput, policy: IntelligentPolicy): GroupingDecision {
  const model = input.model ?? createModel();
  // Not sorted: with hundreds of open incidents the sort would cost more than the scoring.
  const candidates = input.incidents.filter(
    (i) =>
      isOpen(i) &&
      i.window !== null &&
      inRollingWindow(i.window, policy.timeWindowSeconds, input.now) &&
      (policy.type !== 'content_based_intelligent' ||
        i.alerts.some((a) => contentMatches(input.alert, a, policy.fields, policy.aggregate))),
  );
  if (candidates.length === 0) return openRolling(input, policy.timeWindowSeconds, 0);
  const similarity = createScorer(model, input.alert, policy.iagFields);
  let best: CandidateIncident | undefined;
  let bestScore = 0;
  for (const incident of candidates) {
    const score = similarity(incident.alerts, incident.id);
    // A tie goes to the most recently grouped incident.
    if (score > bestScore || (best && score === bestScore && byMostRecent(incident, best) < 0)) {
      best = incident;
      bestScore = score;
    }
  }
  const score = Math.round(bestScore * 1000) / 1000;
  return best && bestScore >= model.threshold
    ? joinRolling(best, input, policy.timeWindowSeconds, score)
    : openRolling(input, policy.timeWindowSeconds, score);
}
