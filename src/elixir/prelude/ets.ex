# ETS's folds, written over the native :ets (src/elixir/stdlib/ets.rs): the function is
# called in the caller's process, on the objects in the table's order.

defmodule :ets do
  def foldl(fun, acc, table), do: List.foldl(:ets.tab2list(table), acc, fun)
  def foldr(fun, acc, table), do: List.foldr(:ets.tab2list(table), acc, fun)
end
