# Erlang's :digraph, as the getting-started chapter on Erlang libraries uses it, written over
# this console's ETS as OTP's is: a record {:digraph, vertices, edges, neighbours, cyclic}
# of three tables the calling process owns (they show in the observer). Vertices and edges
# made without a name are [:"$v" | n] and [:"$e" | n]. Fixture tests/fixtures/iex/digraph.exs.

defmodule :digraph do
  def new, do: new([])

  def new(type) do
    vertices = :ets.new(:vertices, [:set, :protected])
    edges = :ets.new(:edges, [:set, :protected])
    neighbours = :ets.new(:neighbours, [:bag, :protected])
    :ets.insert(neighbours, [{:"$vid", 0}, {:"$eid", 0}])
    {:digraph, vertices, edges, neighbours, :acyclic not in type}
  end

  def delete({:digraph, v, e, n, _}) do
    Enum.each([v, e, n], &:ets.delete/1)
    true
  end

  def info({:digraph, v, e, n, cyclic} = _g) do
    memory = Enum.sum(Enum.map([v, e, n], &:ets.info(&1, :memory)))
    [cyclicity: if(cyclic, do: :cyclic, else: :acyclic), memory: memory, protection: :protected]
  end

  def add_vertex({:digraph, _, _, n, _} = g) do
    id = counter(n, :"$vid")
    bump(n, :"$vid", id)
    add_vertex(g, [:"$v" | id], [])
  end

  # the next vertex or edge number, kept in the neighbours table as OTP keeps it
  defp counter(n, key) do
    [{^key, id}] = :ets.lookup(n, key)
    id
  end

  defp bump(n, key, id) do
    :ets.delete(n, key)
    :ets.insert(n, {key, id + 1})
  end

  # the one object under `key`, or false
  defp one(table, key) do
    case :ets.lookup(table, key) do
      [found] -> found
      [] -> false
    end
  end

  def add_vertex(g, v), do: add_vertex(g, v, [])

  def add_vertex({:digraph, vt, _, _, _}, v, label) do
    :ets.insert(vt, {v, label})
    v
  end

  def vertex({:digraph, vt, _, _, _}, v), do: one(vt, v)

  def vertices({:digraph, vt, _, _, _}), do: for({v, _} <- :ets.tab2list(vt), do: v)
  def no_vertices({:digraph, vt, _, _, _}), do: :ets.info(vt, :size)

  def add_edge(g, v1, v2), do: add_edge_labelled(g, v1, v2, [])

  def add_edge(g, v1, v2, label), do: add_edge_labelled(g, v1, v2, label)

  defp add_edge_labelled({:digraph, _, _, n, _} = g, v1, v2, label) do
    id = counter(n, :"$eid")

    case add_edge(g, [:"$e" | id], v1, v2, label) do
      {:error, _} = error ->
        error

      edge ->
        bump(n, :"$eid", id)
        edge
    end
  end

  def add_edge({:digraph, vt, et, n, cyclic} = g, e, v1, v2, label) do
    cond do
      not :ets.member(vt, v1) ->
        {:error, {:bad_vertex, v1}}

      not :ets.member(vt, v2) ->
        {:error, {:bad_vertex, v2}}

      not cyclic and (v1 == v2 or get_path(g, v2, v1) != false) ->
        {:error, {:bad_edge, if(v1 == v2, do: [v1, v1], else: get_path(g, v2, v1))}}

      true ->
        del_edge(g, e)
        :ets.insert(et, {e, v1, v2, label})
        :ets.insert(n, [{{:out, v1}, e}, {{:in, v2}, e}])
        e
    end
  end

  def edge({:digraph, _, et, _, _}, e), do: one(et, e)

  def edges({:digraph, _, et, _, _}), do: for({e, _, _, _} <- :ets.tab2list(et), do: e)
  def edges(g, v), do: out_edges(g, v) ++ in_edges(g, v)
  def no_edges({:digraph, _, et, _, _}), do: :ets.info(et, :size)
  def out_edges({:digraph, _, _, n, _}, v), do: for({_, e} <- :ets.lookup(n, {:out, v}), do: e)
  def in_edges({:digraph, _, _, n, _}, v), do: for({_, e} <- :ets.lookup(n, {:in, v}), do: e)

  def out_neighbours({:digraph, _, et, _, _} = g, v),
    do: for(e <- out_edges(g, v), [{_, _, to, _}] = :ets.lookup(et, e), do: to)

  def in_neighbours({:digraph, _, et, _, _} = g, v),
    do: for(e <- in_edges(g, v), [{_, from, _, _}] = :ets.lookup(et, e), do: from)

  def out_degree(g, v), do: length(out_edges(g, v))
  def in_degree(g, v), do: length(in_edges(g, v))

  def del_edge({:digraph, _, et, n, _}, e) do
    case :ets.lookup(et, e) do
      [{^e, v1, v2, _}] ->
        :ets.delete_object(n, {{:out, v1}, e})
        :ets.delete_object(n, {{:in, v2}, e})
        :ets.delete(et, e)

      [] ->
        :ok
    end

    true
  end

  def del_edges(g, edges) do
    Enum.each(edges, &del_edge(g, &1))
    true
  end

  def del_vertex({:digraph, vt, _, _, _} = g, v) do
    Enum.each(edges(g, v), &del_edge(g, &1))
    :ets.delete(vt, v)
    true
  end

  def del_vertices(g, vs) do
    Enum.each(vs, &del_vertex(g, &1))
    true
  end

  # a path of at least one edge from v1 to v2, depth first, or false
  def get_path(g, v1, v2), do: path(g, [{v1, [v1]}], v2, MapSet.new())

  defp path(_g, [], _to, _seen), do: false

  defp path(g, [{v, trail} | rest], to, seen) do
    next = out_neighbours(g, v)

    if to in next do
      Enum.reverse([to | trail])
    else
      fresh = Enum.reject(next, &MapSet.member?(seen, &1))
      seen = Enum.reduce(fresh, seen, &MapSet.put(&2, &1))
      path(g, Enum.map(fresh, &{&1, [&1 | trail]}) ++ rest, to, seen)
    end
  end

  # the shortest such path, breadth first, or false
  def get_short_path(g, v1, v2), do: short(g, [{v1, [v1]}], [], v2, MapSet.new([v1]))

  defp short(_g, [], [], _to, _seen), do: false
  defp short(g, [], later, to, seen), do: short(g, Enum.reverse(later), [], to, seen)

  defp short(g, [{v, trail} | rest], later, to, seen) do
    next = out_neighbours(g, v)

    if to in next do
      Enum.reverse([to | trail])
    else
      fresh = Enum.reject(next, &MapSet.member?(seen, &1))
      seen = Enum.reduce(fresh, seen, &MapSet.put(&2, &1))
      short(g, rest, Enum.reverse(Enum.map(fresh, &{&1, [&1 | trail]}), later), to, seen)
    end
  end
end
