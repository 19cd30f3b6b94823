# StringIO: an IO device over a string. As in Elixir it is a process (an Agent here, holding
# {input, output}): IO.gets, IO.getn and IO.read given its pid take from the input, IO.write
# and IO.puts add to the output. Written for this project from the documented behaviour.

defmodule StringIO do
  @moduledoc "An IO device over a string: {:ok, pid} = StringIO.open(\"some input\"); IO.gets(pid, \"\"); IO.write(pid, \"out\"); StringIO.contents(pid)."
  def open(string, _options \\ []) when is_binary(string), do: Agent.start(fn -> {string, ""} end)

  def contents(pid), do: Agent.get(pid, & &1)

  def flush(pid), do: Agent.get_and_update(pid, fn {input, output} -> {output, {input, ""}} end)

  def close(pid) do
    result = contents(pid)
    Agent.stop(pid)
    {:ok, result}
  end

  # what IO's functions ask of a device that is a pid
  def __io__(pid, :write, data),
    do: Agent.update(pid, fn {input, output} -> {input, output <> IO.iodata_to_binary(data)} end)

  def __io__(pid, :getn, {prompt, count}), do: take(pid, prompt, &String.split_at(&1, count))
  def __io__(pid, :gets, prompt), do: take(pid, prompt, &line/1)
  def __io__(pid, :read, :line), do: take(pid, "", &line/1)
  def __io__(pid, :read, count) when is_integer(count), do: take(pid, "", &String.split_at(&1, count))

  def __io__(pid, :read, all) when all in [:eof, :all] do
    case take(pid, "", &{&1, ""}) do
      :eof when all == :all -> ""
      result -> result
    end
  end

  # the prompt is not kept (as StringIO's default, capture_prompt: false)
  defp take(pid, _prompt, split) do
    Agent.get_and_update(pid, fn {input, output} ->
      case input do
        "" ->
          {:eof, {input, output}}

        _ ->
          {taken, rest} = split.(input)
          {taken, {rest, output}}
      end
    end)
  end

  defp line(input) do
    case :binary.split(input, "\n") do
      [line, rest] -> {line <> "\n", rest}
      [all] -> {all, ""}
    end
  end
end
