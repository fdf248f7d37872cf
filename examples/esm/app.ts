// The same with a bundler and TypeScript (types come from @stammis/sdk).
import { getDecisions, init, on, purchase, type Decision } from '@stammis/sdk'

init({ site: 'pk_demo', endpoint: 'http://127.0.0.1:8787', consent: 'required' })

/** Call from your consent banner. */
export { consent } from '@stammis/sdk'

on('segment', ({ segment }) => document.documentElement.setAttribute('data-segment', segment))

export async function heroText(): Promise<string | null> {
  const { hero }: Record<string, Decision | null> = await getDecisions(['hero'])
  return hero?.variant === 'treatment' && hero.content?.type === 'text' ? hero.content.value : null
}

export const onOrderPlaced = (orderId: string, revenue: number) =>
  purchase({ orderId, revenue, currency: 'USD' })
